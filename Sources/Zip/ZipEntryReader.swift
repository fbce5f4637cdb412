/// Reads one entry's uncompressed data in pieces, decompressing as it goes, and checks the
/// CRC-32 and size recorded in the central directory when the data ends.
///
/// Memory stays flat: compressed data is read 64 KiB at a time and handed to the inflater in
/// 8 KiB slices, so at most what one slice decodes to waits for the caller. Reading more than
/// the directory's uncompressed size, or a mismatch at the end, throws
/// `ZipError.checksumMismatch`. Use from one thread at a time.
public final class ZipEntryReader {
    public let entry: ZipEntry
    private let file: ArchiveFile
    private var nextOffset: Int64
    private var remainingCompressed: Int64
    private var inflater: Inflater?
    private var crc = CRC32()
    private var produced: Int64 = 0
    private var decoded: [UInt8] = []
    private var decodedStart = 0
    private var input: [UInt8] = []
    private var inputStart = 0
    private var isVerified = false

    static let readSize = 64 * 1024
    static let sliceSize = 8 * 1024

    /// Compressed bytes read from the archive so far.
    public private(set) var compressedBytesRead: Int64 = 0

    init(file: ArchiveFile, entry: ZipEntry, dataOffset: Int64) {
        self.file = file
        self.entry = entry
        nextOffset = dataOffset
        remainingCompressed = entry.compressedSize
        inflater = entry.method == .deflate ? Inflater() : nil
    }

    /// Whether every byte has been returned and verified.
    public var isAtEnd: Bool { isVerified && decodedStart == decoded.count }

    /// Copies up to `buffer.count` bytes into `buffer`; returns 0 only at the end of the data.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        guard !buffer.isEmpty else { return 0 }
        if inflater == nil { return try readStored(into: buffer) }
        while decodedStart == decoded.count {
            if isVerified { return 0 }
            try decodeMore()
        }
        let count = min(buffer.count, decoded.count - decodedStart)
        decoded.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + decodedStart, byteCount: count)
        }
        decodedStart += count
        return count
    }

    /// Up to `maxLength` bytes; empty only at the end of the data.
    public func read(maxLength: Int) throws(ZipError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(0, maxLength))
        let count: Int
        do {
            count = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        } catch {
            throw error as? ZipError ?? .io("\(error)")
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Calls `body` with successive pieces of the data until it ends.
    public func forEachChunk(_ body: ([UInt8]) throws -> Void) throws {
        while true {
            let chunk = try read(maxLength: Self.readSize)
            if chunk.isEmpty { return }
            try body(chunk)
        }
    }

    /// The rest of the data.
    public func readAll() throws(ZipError) -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let chunk = try read(maxLength: Self.readSize)
            if chunk.isEmpty { return result }
            result.append(contentsOf: chunk)
        }
    }

    private func readStored(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        if remainingCompressed == 0 {
            try verify()
            return 0
        }
        let wanted = Int(min(Int64(buffer.count), remainingCompressed))
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted])
        let count = try file.read(into: target, at: nextOffset)
        guard count == wanted else { throw .corrupt("the data of \(entry.name) is cut short") }
        crc.update(UnsafeRawBufferPointer(target))
        nextOffset += Int64(count)
        remainingCompressed -= Int64(count)
        compressedBytesRead += Int64(count)
        produced += Int64(count)
        return count
    }

    /// Feeds the inflater one slice of compressed data (reading from the file when needed).
    private func decodeMore() throws(ZipError) {
        decoded.removeAll(keepingCapacity: true)
        decodedStart = 0
        if inputStart == input.count {
            if remainingCompressed == 0 {
                do {
                    try inflater?.finish()
                } catch {
                    throw .badCompressedData(entry: entry.name, error)
                }
                try verify()
                return
            }
            let wanted = Int(min(Int64(Self.readSize), remainingCompressed))
            input = try file.bytes(at: nextOffset, count: wanted, what: "the data of \(entry.name)")
            inputStart = 0
            nextOffset += Int64(wanted)
            remainingCompressed -= Int64(wanted)
            compressedBytesRead += Int64(wanted)
        }
        let sliceEnd = min(input.count, inputStart + Self.sliceSize)
        let limit = entry.uncompressedSize
        do {
            try input.withUnsafeBytes { bytes in
                let slice = UnsafeRawBufferPointer(rebasing: bytes[inputStart..<sliceEnd])
                try inflater?.inflate(slice) { output in
                    produced += Int64(output.count)
                    guard produced <= limit else { throw ZipError.checksumMismatch(entry: entry.name) }
                    crc.update(output)
                    decoded.append(contentsOf: output)
                }
            }
        } catch let error as InflateError {
            throw .badCompressedData(entry: entry.name, error)
        } catch {
            throw error as? ZipError ?? .io("\(error)")
        }
        inputStart = sliceEnd
    }

    private func verify() throws(ZipError) {
        guard produced == entry.uncompressedSize, crc.value == entry.crc32 else {
            throw .checksumMismatch(entry: entry.name)
        }
        isVerified = true
    }
}

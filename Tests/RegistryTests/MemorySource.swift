@testable import Registry

/// A byte source over bytes in memory that returns at most `piece` bytes per read, so tokens
/// straddle buffer refills.
final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private let piece: Int
    private(set) var bytesRead: Int64 = 0

    init(_ text: String, piece: Int = 7) {
        bytes = Array(text.utf8)
        self.piece = piece
    }

    init(bytes: [UInt8], piece: Int = 7) {
        self.bytes = bytes
        self.piece = piece
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int {
        let start = Int(bytesRead)
        let count = min(piece, buffer.count, bytes.count - start)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: count) }
        bytesRead += Int64(count)
        return count
    }
}

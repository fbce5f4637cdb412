/// A ZIP archive opened from a file: its central directory, read once (ZIP64 included), and
/// streaming readers for its entries.
///
/// Only the directory is held in memory; an entry's data is read in small pieces when its
/// reader is read, so entries of any size take flat memory. Entries may be stored (method 0)
/// or deflated (method 8); another method, encryption or a multi-disk archive is refused with
/// a `ZipError`. Values are immutable and may be shared across threads; each reader is for one
/// thread.
public struct ZipArchive: Sendable {
    public let path: String
    /// The entries in directory order.
    public let entries: [ZipEntry]
    private let file: ArchiveFile

    /// The size of the archive file in bytes.
    public var fileSize: Int64 { file.size }

    /// Opens the file and reads its central directory.
    public init(path: String) throws(ZipError) {
        self.path = path
        file = try ArchiveFile(path: path)
        entries = try CentralDirectory.read(file)
    }

    /// The first entry with exactly this name.
    public func entry(named name: String) -> ZipEntry? {
        entries.first { $0.name == name }
    }

    /// A reader of the entry's uncompressed data; it checks the CRC-32 and size at the end.
    public func open(_ entry: ZipEntry) throws(ZipError) -> ZipEntryReader {
        guard !entry.isEncrypted else { throw .unsupported("entry \(entry.name) is encrypted") }
        switch entry.method {
        case .stored, .deflate: break
        case .other(let code): throw .unsupportedMethod(code, entry: entry.name)
        }
        let header = LittleEndianBytes(try file.bytes(at: entry.localHeaderOffset, count: 30, what: "local header of \(entry.name)"))
        guard header.uint32(0) == 0x0403_4B50 else { throw .corrupt("no local header for \(entry.name)") }
        let dataOffset = entry.localHeaderOffset + 30 + Int64(header.uint16(26)) + Int64(header.uint16(28))
        guard entry.compressedSize >= 0, dataOffset + entry.compressedSize <= file.size else {
            throw .corrupt("the data of \(entry.name) lies outside the file")
        }
        if entry.method == .stored && entry.compressedSize != entry.uncompressedSize {
            throw .corrupt("stored entry \(entry.name) has different compressed and uncompressed sizes")
        }
        return ZipEntryReader(file: file, entry: entry, dataOffset: dataOffset)
    }

    /// The whole uncompressed data of an entry (for small entries).
    public func contents(of entry: ZipEntry) throws(ZipError) -> [UInt8] {
        try open(entry).readAll()
    }
}

/// One file or directory listed in a ZIP archive's central directory.
///
/// Sizes and the offset are 64-bit: ZIP64 values replace the 32-bit ones when present. The
/// directory's CRC-32 and uncompressed size are what a reader checks the data against.
public struct ZipEntry: Sendable, Equatable {
    /// How an entry's data is compressed.
    public enum Method: Sendable, Equatable {
        case stored
        case deflate
        case other(UInt16)

        init(code: UInt16) {
            switch code {
            case 0: self = .stored
            case 8: self = .deflate
            default: self = .other(code)
            }
        }

        public var code: UInt16 {
            switch self {
            case .stored: 0
            case .deflate: 8
            case .other(let code): code
            }
        }
    }

    /// The path inside the archive, `/`-separated; a directory's ends with `/`.
    public let name: String
    public let method: Method
    public let compressedSize: Int64
    public let uncompressedSize: Int64
    public let crc32: UInt32
    /// General purpose bit flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
    public let flags: UInt16
    /// Where the entry's local header starts.
    public let localHeaderOffset: Int64

    public var isDirectory: Bool { name.hasSuffix("/") }
    public var isEncrypted: Bool { flags & 1 != 0 }
}

/// Why a ZIP archive or one of its entries could not be read.
///
/// Every malformed, truncated or unsupported input ends in one of these errors; reading never
/// traps and never loops on bad data.
public enum ZipError: Error, Sendable, Equatable {
    /// The file could not be opened or read (the system's reason).
    case io(String)
    /// The bytes are not a ZIP archive, or its directory is damaged (what was wrong).
    case corrupt(String)
    /// An entry uses a compression method other than stored (0) or deflate (8).
    case unsupportedMethod(UInt16, entry: String)
    /// An entry is encrypted, or the archive spans several disks.
    case unsupported(String)
    /// The compressed data of an entry is not valid DEFLATE, or ends early.
    case badCompressedData(entry: String, InflateError)
    /// An entry's data does not match the CRC-32 or size recorded in the directory.
    case checksumMismatch(entry: String)
}

extension ZipError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .io(let reason): "cannot read the archive: \(reason)"
        case .corrupt(let reason): "not a valid ZIP archive: \(reason)"
        case .unsupportedMethod(let method, let entry):
            "entry \(entry) uses compression method \(method); only stored (0) and deflate (8) are supported"
        case .unsupported(let reason): "unsupported ZIP feature: \(reason)"
        case .badCompressedData(let entry, let error): "entry \(entry): \(error)"
        case .checksumMismatch(let entry): "entry \(entry): CRC-32 or size does not match the directory"
        }
    }
}

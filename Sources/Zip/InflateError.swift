/// Why a raw DEFLATE stream (RFC 1951) could not be decoded.
///
/// `truncated` means the input ended before the final block did; `invalid` names the rule of
/// the format that the data broke.
public enum InflateError: Error, Sendable, Equatable {
    case truncated
    case invalid(String)
}

extension InflateError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .truncated: "the compressed data ends before its final block"
        case .invalid(let reason): "invalid compressed data: \(reason)"
        }
    }
}

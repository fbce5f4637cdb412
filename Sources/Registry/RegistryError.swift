/// Why a registry lookup or import failed.
///
/// Online: the service could not be reached (also used for an unusable offline database),
/// did not answer in time, refused the token, answered with another HTTP error status, or sent
/// something that is not its JSON format. Offline import: the file is damaged, truncated or not
/// the SME registry (`badFile`; nothing of that import was kept), or it uses a format this code
/// does not read (`unsupportedFormat`: a ZIP method, an XML encoding), or the path names no
/// regular file (`notAFile`: a directory, a FIFO, a device; `kind` says which).
public enum RegistryError: Error, Sendable, Equatable {
    case unreachable(String)
    case timeout
    case unauthorized
    case httpStatus(Int)
    case badResponse(String)
    case badFile(reason: String)
    case unsupportedFormat(String)
    case notAFile(path: String, kind: String)
}

extension RegistryError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreachable(let reason): "the company registry cannot be reached: \(reason)"
        case .timeout: "the company registry did not answer in time"
        case .unauthorized: "the company registry refused the API key"
        case .httpStatus(let status): "the company registry answered HTTP \(status)"
        case .badResponse(let reason): "the company registry sent an unexpected answer: \(reason)"
        case .badFile(let reason): "the registry file cannot be imported: \(reason)"
        case .unsupportedFormat(let what): "unsupported registry file format: \(what)"
        case .notAFile(let path, let kind): "\(path) is \(kind), not a regular file"
        }
    }
}

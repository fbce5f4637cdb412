/// Why a `MailTransport` could not deliver a message.
///
/// The rule it keeps: `isTemporary` tells a caller whether to retry later — connection problems,
/// timeouts, SMTP 4xx replies and sendmail's EX_TEMPFAIL (75) are temporary; 5xx replies,
/// authentication failures, a server demanding TLS and other sendmail exits are permanent.
public enum MailError: Error, Sendable, Equatable {
    /// The server could not be resolved or reached, or the connection broke.
    case connectionFailed(String)
    /// The server did not answer (or accept data) within the transport's timeout.
    case timeout
    /// The server answered a command with an unexpected reply (or `code` 0: it spoke no SMTP).
    case protocolError(code: Int, message: String)
    /// Credentials were refused, or the server offers no mechanism we support (PLAIN, LOGIN).
    case authenticationFailed(String)
    /// The server requires STARTTLS, which this transport cannot speak (no TLS on Linux Foundation).
    case tlsUnavailable
    /// The server (or the local address check, code 501) refused a recipient.
    case rejected(recipient: String, code: Int, message: String)
    /// The sendmail command exited with a non-zero status (127: it could not be started).
    case sendmailFailed(status: Int32, stderr: String)

    /// True when retrying later may succeed.
    public var isTemporary: Bool {
        switch self {
        case .connectionFailed, .timeout: return true
        case .protocolError(let code, _), .rejected(_, let code, _): return (400..<500).contains(code)
        case .authenticationFailed, .tlsUnavailable: return false
        case .sendmailFailed(let status, _): return status == 75
        }
    }
}

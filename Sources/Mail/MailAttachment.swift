/// A file attached to a `MailMessage`.
///
/// The rule it keeps: the bytes are carried unchanged (base64, 76-character lines); the file
/// name may be any Unicode text and is encoded per RFC 2231; a `contentType` that is not a
/// well-formed `type/subtype` is sent as `application/octet-stream`.
public struct MailAttachment: Sendable {
    /// The name the recipient sees, e.g. `Счёт №17.pdf`.
    public var fileName: String
    /// The MIME type, e.g. `application/pdf`.
    public var contentType: String
    /// The file content.
    public var data: [UInt8]

    public init(fileName: String, contentType: String = "application/octet-stream", data: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.data = data
    }
}

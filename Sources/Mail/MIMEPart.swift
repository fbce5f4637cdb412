/// A MIME entity: content header fields and either encoded bytes or child parts.
///
/// The rule it keeps: a boundary starts with `=_`, which neither base64 nor quoted-printable
/// output can contain, so no encoded body ever collides with a delimiter line.
struct MIMEPart {
    enum Content {
        case leaf([UInt8])
        case multipart(boundary: String, parts: [MIMEPart])
    }

    var fields: [HeaderField]
    var content: Content

    /// The content fields, a blank line and the body, CRLF-terminated.
    var rendered: [UInt8] {
        var output: [UInt8] = []
        for field in fields { output += field.rendered }
        output += MIMEEncoding.crlf
        switch content {
        case .leaf(let bytes):
            output += bytes
        case .multipart(let boundary, let parts):
            for part in parts {
                output += Array("--\(boundary)\r\n".utf8)
                output += part.rendered
            }
            output += Array("--\(boundary)--\r\n".utf8)
        }
        return output
    }

    /// A text/`subtype` part in UTF-8, quoted-printable unless mostly non-ASCII (then base64).
    static func text(_ text: String, subtype: String) -> MIMEPart {
        let base64 = MIMEEncoding.prefersBase64(text)
        let body = base64 ? MIMEEncoding.base64Lines(MIMEEncoding.canonicalText(text)) : MIMEEncoding.quotedPrintable(text)
        return MIMEPart(fields: [
            HeaderField("Content-Type", ["text/\(subtype);", "charset=utf-8"]),
            HeaderField("Content-Transfer-Encoding", base64 ? "base64" : "quoted-printable"),
        ], content: .leaf(body))
    }

    /// A base64 attachment part with its file name in Content-Type and Content-Disposition.
    static func attachment(_ attachment: MailAttachment) -> MIMEPart {
        var type = attachment.contentType.trimmingCharacters(in: .whitespaces).lowercased()
        if !isMediaType(type) { type = "application/octet-stream" }
        return MIMEPart(fields: [
            HeaderField("Content-Type", ["\(type);"] + MIMEEncoding.parameterTokens("name", attachment.fileName).joinedAsParameters()),
            HeaderField("Content-Transfer-Encoding", "base64"),
            HeaderField("Content-Disposition", ["attachment;"] + MIMEEncoding.parameterTokens("filename", attachment.fileName).joinedAsParameters()),
        ], content: .leaf(MIMEEncoding.base64Lines(attachment.data)))
    }

    /// The body of a message: see `MailMessage.rendered()` for the structure.
    static func body(of message: MailMessage) -> MIMEPart {
        let seed = boundarySeed(message.messageID)
        var main = text(message.textBody, subtype: "plain")
        if let html = message.htmlBody {
            main = multipart("alternative", boundary: "=_crmd_\(seed)_alt", [main, text(html, subtype: "html")])
        }
        guard !message.attachments.isEmpty else { return main }
        return multipart("mixed", boundary: "=_crmd_\(seed)_mix", [main] + message.attachments.map(attachment))
    }

    static func multipart(_ subtype: String, boundary: String, _ parts: [MIMEPart]) -> MIMEPart {
        MIMEPart(fields: [HeaderField("Content-Type", ["multipart/\(subtype);", "boundary=\"\(boundary)\""])],
                 content: .multipart(boundary: boundary, parts: parts))
    }

    /// `type/subtype` made of RFC 2045 token characters.
    static func isMediaType(_ text: String) -> Bool {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        let tspecials = Array("()<>@,;:\\\"/[]?= ".utf8)
        return pieces.count == 2 && pieces.allSatisfy { piece in
            !piece.isEmpty && piece.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !tspecials.contains($0) }
        }
    }

    /// 16 hex digits derived from the message ID (FNV-1a), so rendering stays deterministic.
    static func boundarySeed(_ messageID: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Array where Element == String {
    /// Parameter sections separated by `;` (every token but the last gets one).
    func joinedAsParameters() -> [String] {
        enumerated().map { $0.offset < count - 1 ? $0.element + ";" : $0.element }
    }
}

import Foundation
import Mail

/// Helpers shared by the Mail tests: the repository root, temporary directories, Python's
/// `email` parser as an independent reader of rendered messages, and sample messages.
enum MailTestSupport {
    /// The package root, found from this file's path (Tests/MailTests/<file>).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mail-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// What Python's email package (policy=default) reads from a message.
    struct Parsed: Decodable {
        struct Address: Decodable, Equatable { var name: String; var address: String }
        struct Attachment: Decodable { var filename: String?; var contentType: String; var hex: String }
        var subject: String
        var from: [Address]
        var to: [Address]
        var cc: [Address]
        var contentType: String
        var messageID: String
        var date: String
        var text: String
        var html: String?
        var attachments: [Attachment]
        var parts: [String]
        var defects: [String]
    }

    static let parserScript = """
    import sys, json, email, email.policy
    m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
    def addrs(h):
        v = m[h]
        return [] if v is None else [{"name": a.display_name, "address": a.addr_spec} for a in v.addresses]
    defects = []
    for p in m.walk():
        defects += [type(d).__name__ for d in p.defects]
        for k, v in p.items():
            defects += [type(d).__name__ for d in getattr(v, 'defects', ())]
    plain = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    print(json.dumps({
        "subject": str(m["subject"]), "from": addrs("from"), "to": addrs("to"), "cc": addrs("cc"),
        "contentType": m.get_content_type(), "messageID": str(m["message-id"]),
        "date": m["date"].datetime.isoformat(),
        "text": plain.get_content().replace("\\r\\n", "\\n") if plain is not None else "",
        "html": html.get_content().replace("\\r\\n", "\\n") if html is not None else None,
        "attachments": [{"filename": p.get_filename(), "contentType": p.get_content_type(),
                         "hex": p.get_content().hex()} for p in m.iter_attachments()],
        "parts": [p.get_content_type() for p in m.walk()], "defects": defects}))
    """

    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("message.eml")
        try Data(bytes).write(to: file)
        return try parse(file: file)
    }

    static func parse(file: URL) throws -> Parsed {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", parserScript, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Parsed.self, from: data)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Bytes that look like a small PDF and contain every byte value.
    static let pdfLike: [UInt8] = Array("%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n".utf8)
        + (0...255).map { UInt8($0) } + Array("\n.\n..\r\n%%EOF\n".utf8)

    /// The invoice message of the brief: Cyrillic everywhere, an HTML alternative, a PDF.
    static func invoice(to recipients: [MailAddress] = [MailAddress("buh@romashka.ru", name: "ООО «Ромашка», бухгалтерия")],
                        cc: [MailAddress] = [MailAddress("john@example.com", name: "Smith, John \"JJ\"")]) -> MailMessage {
        MailMessage(
            from: MailAddress("ivan@example.ru", name: "Иван Петров"), to: recipients, cc: cc,
            subject: "Счёт № 17 от 13 февраля 2025 года на оплату услуг по договору поставки № 2025/03",
            textBody: "Здравствуйте!\n\nВо вложении счёт на оплату.\n.Строка с точкой в начале\n..и с двумя\n.\nС уважением,\nИван",
            htmlBody: "<p>Здравствуйте!</p><p>Во вложении <b>счёт</b> на оплату.</p>",
            attachments: [MailAttachment(fileName: "Счёт №17 от 13.02.2025 — ООО «Ромашка» (оригинал для бухгалтерии).pdf",
                                         contentType: "application/pdf", data: pdfLike)],
            date: Date(timeIntervalSince1970: 1_739_437_500))
    }

    /// Runs of spaces collapsed to one.
    static func collapsed(_ text: String) -> String {
        text.split(separator: " ").joined(separator: " ")
    }

    /// Lines of a rendered message, split at CRLF.
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }
}

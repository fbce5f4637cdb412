import Foundation
import Mail
import Testing

/// Rendered messages read back by Python's `email` package (policy=default).
@Suite struct MessageRenderingTests {
    typealias Support = MailTestSupport

    @Test func cyrillicInvoiceRoundTripsThroughPythonEmail() throws {
        let message = Support.invoice()
        let bytes = message.rendered()
        let parsed = try Support.parse(bytes)
        #expect(parsed.subject == message.subject)
        #expect(parsed.from == [.init(name: "Иван Петров", address: "ivan@example.ru")])
        // Python < 3.14 keeps the white space between adjacent encoded words of a display name
        // (CPython gh-128110, contrary to RFC 2047 §6.2), so compare names with spaces collapsed.
        #expect(parsed.to.map { Support.collapsed($0.name) } == ["ООО «Ромашка», бухгалтерия"])
        #expect(parsed.to.map(\.address) == ["buh@romashka.ru"])
        #expect(parsed.cc == [.init(name: "Smith, John \"JJ\"", address: "john@example.com")])
        #expect(parsed.text.trimmingCharacters(in: .newlines) == message.textBody)
        #expect(parsed.html?.trimmingCharacters(in: .newlines) == message.htmlBody)
        #expect(parsed.parts == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"])
        #expect(parsed.attachments.count == 1)
        #expect(parsed.attachments.first?.filename == message.attachments[0].fileName)
        #expect(parsed.attachments.first?.contentType == "application/pdf")
        #expect(parsed.attachments.first?.hex == Support.hex(Support.pdfLike))
        #expect(parsed.messageID == message.messageID)
        #expect(parsed.date == "2025-02-13T09:05:00+00:00")
        #expect(parsed.defects == [])
    }

    @Test func everyLineIsShortSevenBitAndCRLFTerminated() {
        let bytes = Support.invoice().rendered()
        #expect(bytes.allSatisfy { $0 < 0x80 })
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        let lines = Support.lines(bytes)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
        let headers = lines.prefix { !$0.isEmpty }
        #expect(headers.contains("Date: Thu, 13 Feb 2025 09:05:00 +0000"))
        #expect(headers.contains("MIME-Version: 1.0"))
        #expect(headers.contains { $0.hasPrefix("Subject: =?utf-8?B?") })
    }

    @Test func longDisplayNameSplitsIntoEncodedWordsThatConcatenateExactly() throws {
        let lines = Support.lines(Support.invoice().rendered())
        let start = try #require(lines.firstIndex { $0.hasPrefix("To: ") })
        var field = lines[start]
        for line in lines[(start + 1)...].prefix(while: { $0.hasPrefix(" ") }) { field += line } // unfold
        let words = field.split(separator: " ").filter { $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") }
        #expect(words.count >= 2)
        #expect(words.allSatisfy { $0.count <= 75 })
        let decoded = words.map { word in
            Data(base64Encoded: String(word.dropFirst(10).dropLast(2))).map { [UInt8]($0) } ?? []
        }
        #expect(decoded.allSatisfy { String(validating: $0, as: UTF8.self) != nil }, "no character is split")
        #expect(String(decoding: decoded.joined(), as: UTF8.self) == "ООО «Ромашка», бухгалтерия")
    }

    @Test func renderingIsDeterministicAndMessageIDsAreUnique() {
        let first = Support.invoice()
        let second = Support.invoice()
        #expect(first.rendered() == first.rendered())
        #expect(first.messageID != second.messageID)
        #expect(first.messageID.hasPrefix("<") && first.messageID.hasSuffix("@example.ru>"))
        let given = MailMessage(from: MailAddress("a@b.ru"), to: [MailAddress("c@d.ru")], subject: "x", textBody: "y",
                                messageID: "<fixed@b.ru>", date: Date(timeIntervalSince1970: 0))
        #expect(given.messageID == "<fixed@b.ru>")
        #expect(Support.lines(given.rendered()).contains("Date: Thu, 1 Jan 1970 00:00:00 +0000"))
    }

    @Test func plainASCIIMessageIsSingleQuotedPrintablePart() throws {
        let text = "Long line: " + String(repeating: "abc= ", count: 40) + "\nTrailing spaces   \n\tTab\n.dot\nLast"
        let subject = "A fairly long plain ASCII subject line that certainly needs folding somewhere, twice over, okay?"
        let message = MailMessage(from: MailAddress("billing@example.com"), to: [MailAddress("client@example.org", name: "Client Name")],
                                  subject: subject, textBody: text, date: Date(timeIntervalSince1970: 1_700_000_000))
        let bytes = message.rendered()
        let lines = Support.lines(bytes)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(lines.contains { $0.hasPrefix("Subject: A fairly") && !$0.contains("=?") })
        let parsed = try Support.parse(bytes)
        #expect(parsed.contentType == "text/plain")
        #expect(parsed.subject == subject)
        #expect(parsed.text == text + "\n")
        #expect(parsed.to == [.init(name: "Client Name", address: "client@example.org")])
        #expect(parsed.defects == [])
    }

    @Test func mostlyCyrillicTextIsBase64AndHTMLOnlyAlternativeHasNoMixed() throws {
        let message = MailMessage(from: MailAddress("a@example.ru"), to: [MailAddress("b@example.ru")], subject: "Привет",
                                  textBody: "Только кириллица в этом тексте", htmlBody: "<i>Только</i>",
                                  date: Date(timeIntervalSince1970: 1_700_000_000))
        let bytes = message.rendered()
        #expect(Support.lines(bytes).contains("Content-Transfer-Encoding: base64"))
        let parsed = try Support.parse(bytes)
        #expect(parsed.parts == ["multipart/alternative", "text/plain", "text/html"])
        #expect(parsed.text == "Только кириллица в этом тексте\n")
        #expect(parsed.subject == "Привет")
    }

    @Test func headerInjectionIsNeutralised() throws {
        let message = MailMessage(from: MailAddress("a@example.ru", name: "Evil\r\nBcc: victim@example.com"),
                                  to: [MailAddress("b@example.ru")], subject: "Hi\r\nBcc: victim@example.com",
                                  textBody: "x", attachments: [MailAttachment(fileName: "a\r\nb.txt", contentType: "text/plain\r\nX: y", data: [1])],
                                  date: Date(timeIntervalSince1970: 0))
        let lines = Support.lines(message.rendered())
        #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X:") })
        let parsed = try Support.parse(message.rendered())
        #expect(parsed.subject == "Hi  Bcc: victim@example.com")
        #expect(parsed.attachments.first?.contentType == "application/octet-stream")
    }
}

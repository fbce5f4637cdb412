import Foundation
import HTTP
import JSONKit

/// The public invoice pages (S22): `/i/{token}` shows the invoice as a page that prints on A4,
/// with a bar (hidden when printing) to download the PDF or print; `/i/{token}.pdf` is the PDF
/// as a download. An unknown link is 404, a revoked or expired one 410, each a plain page.
struct InvoicePages {
    let backend: HandlerBackend

    func respond(path: String) -> HTTPResponse {
        var token = String(path.dropFirst(3))
        let pdf = token.hasSuffix(".pdf")
        if pdf { token.removeLast(4) }
        guard token.count == 64, token.allSatisfy(\.isHexDigit) else { return Self.notFound }
        switch backend.administrator.call("invoice.getPublic", ["token": .string(token), "format": pdf ? "pdf" : "html"]) {
        case .success(let document):
            guard let data = document["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else {
                return .plain(500, "The invoice could not be shown.")
            }
            let fileName = document["fileName"]?.stringValue ?? (pdf ? "invoice.pdf" : "invoice.html")
            var response = HTTPResponse(status: 200, body: pdf ? Array(data) : Self.withBar(Array(data), token: token))
            response.headers.set("Content-Type", pdf ? "application/pdf" : "text/html; charset=utf-8")
            response.headers.set("Content-Disposition", Self.disposition(pdf ? "attachment" : "inline", fileName: fileName))
            response.headers.set("Cache-Control", "no-store")
            response.headers.set("X-Content-Type-Options", "nosniff")
            response.headers.set("Referrer-Policy", "no-referrer")
            response.headers.set("X-Robots-Tag", "noindex")
            return response
        case .failure(let error) where error.code == 1006:
            let expired = error.data?["reason"]?.stringValue == "expired"
            return .page(410, title: expired ? "Срок действия ссылки истёк" : "Ссылка отозвана",
                         text: expired ? "Срок действия этой ссылки на счёт истёк. Попросите менеджера прислать новую."
                                       : "Эта ссылка на счёт больше не действует. Попросите менеджера прислать новую.")
        case .failure(let error) where error.code == 1002:
            return Self.notFound
        case .failure:
            return .plain(500, "The invoice could not be shown.")
        }
    }

    private static let notFound = HTTPResponse.page(404, title: "Счёт не найден", text: "По этой ссылке счёта нет.")

    /// The invoice page with a bar at its top: download the PDF, print. Hidden in print.
    private static func withBar(_ html: [UInt8], token: String) -> [UInt8] {
        let bar = """
            <style>.crmd-bar{font:14px sans-serif;padding:8px 0;margin-bottom:8px;border-bottom:1px solid #ccc}\
            .crmd-bar a,.crmd-bar button{margin-right:12px;font:inherit}@media print{.crmd-bar{display:none}}</style>\
            <nav class="crmd-bar"><a href="\(token).pdf" download>Скачать PDF</a>\
            <button type="button" onclick="window.print()">Печать</button></nav>
            """
        let text = String(decoding: html, as: UTF8.self)
        guard let body = text.range(of: "<body>") else { return html }
        return Array((text[..<body.upperBound] + bar + text[body.upperBound...]).utf8)
    }

    /// `inline` or `attachment` with the file name in ASCII and, when it has other letters,
    /// in UTF-8 too (RFC 6266).
    static func disposition(_ kind: String, fileName: String) -> String {
        let ascii = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        guard ascii != fileName else { return "\(kind); filename=\"\(fileName)\"" }
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ascii
        return "\(kind); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

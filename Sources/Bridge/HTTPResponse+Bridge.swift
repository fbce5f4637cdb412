import HTTP
import JSONKit

extension HTTPResponse {
    /// A plain-text page (errors, refusals).
    static func plain(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: HTTPHeaders(headers), body: Array((text + "\n").utf8))
        response.headers.set("Content-Type", "text/plain; charset=utf-8")
        response.headers.set("X-Content-Type-Options", "nosniff")
        return response
    }

    /// A JSON body.
    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> HTTPResponse {
        json(status, bytes: value.serialized(), headers: headers)
    }

    static func json(_ status: Int, bytes: [UInt8], headers: [(String, String)] = []) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: HTTPHeaders(headers), body: bytes)
        response.headers.set("Content-Type", "application/json")
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("X-Content-Type-Options", "nosniff")
        return response
    }

    /// A small HTML page with a title and one paragraph (404 and 410 of public links).
    static func page(_ status: Int, title: String, text: String) -> HTTPResponse {
        let html = """
            <!doctype html>
            <html lang="ru"><head><meta charset="utf-8"><title>\(title.htmlEscaped)</title></head>
            <body><h1>\(title.htmlEscaped)</h1><p>\(text.htmlEscaped)</p></body></html>
            """
        var response = HTTPResponse(status: status, body: Array(html.utf8))
        response.headers.set("Content-Type", "text/html; charset=utf-8")
        response.headers.set("X-Content-Type-Options", "nosniff")
        return response
    }
}

extension String {
    var htmlEscaped: String {
        var out = ""
        for character in self {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

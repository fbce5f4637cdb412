import Foundation

/// The readable text of a simple HTML document as blocks (headings, paragraphs, table rows),
/// for printing user templates to PDF: markup dropped, cells joined with " | ", entities decoded.
enum HTMLText {
    struct Block: Equatable {
        var text: String
        var isHeading: Bool
    }

    static func blocks(_ html: String) -> [Block] {
        var blocks: [Block] = []
        var current = ""
        var heading = false
        var rest = Substring(html)
        if let body = rest.range(of: "<body") { rest = rest[body.lowerBound...] }
        func flush() {
            let text = decode(current).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !text.isEmpty { blocks.append(Block(text: text, isHeading: heading)) }
            current = ""
            heading = false
        }
        while let open = rest.firstIndex(of: "<") {
            current += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close].lowercased()
            let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            switch name {
            case "style", "script", "title":
                if !tag.hasPrefix("/"), let end = rest[close...].range(of: "</\(name)>") {
                    rest = rest[end.upperBound...]
                    continue
                }
            case "h1", "h2", "h3":
                flush()
                heading = !tag.hasPrefix("/")
            case "p", "div", "tr", "br", "li", "table", "body", "html":
                flush()
            case "td", "th":
                if tag.hasPrefix("/") { current += " | " }
            default:
                break
            }
            rest = rest[rest.index(after: close)...]
        }
        current += rest
        flush()
        return blocks.map { Block(text: $0.text.hasSuffix(" |") ? String($0.text.dropLast(2)) : $0.text, isHeading: $0.isHeading) }
    }

    static func decode(_ text: String) -> String {
        var out = text
        for (entity, character) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&laquo;", "«"),
                                    ("&raquo;", "»"), ("&amp;", "&")] {
            out = out.replacingAll(entity, with: character)
        }
        return out
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RussianFormats

/// Reads the documents of a CommerceML 2 file from 1C (S25, S26): each `Документ` with its
/// `Ид`, `Номер`, `Дата`, `ХозОперация`, `Сумма`, `Основание`, the deletion mark and `Оплачен`
/// (as elements or as `ЗначенияРеквизитов`), and its requisites. Pure: bytes in, documents out.
///
/// The encoding is the byte order mark's (UTF-8), else the XML declaration's (`windows-1251`
/// or `utf-8`), else UTF-8. 1C writes a lone «T» (or nothing) for an empty date: that date is
/// nil, as is anything that is not a date.
package enum CommerceMLReader {
    package struct Document: Sendable {
        package var id: String?
        package var number: String?
        /// `YYYY-MM-DD`, nil when 1C gave none.
        package var date: String?
        package var operation: String?
        package var amount: String?
        package var basis: String?
        package var markedForDeletion = false
        package var paid = false
        /// `ЗначенияРеквизитов`: each requisite's name and value, in file order.
        package var requisites: [(name: String, value: String)] = []

        package func requisite(_ name: String) -> String? {
            let wanted = CommerceMLReader.folded(name)
            return requisites.first { CommerceMLReader.folded($0.name) == wanted }?.value
        }
    }

    package struct Failure: Error, Sendable, Equatable {
        package var reason: String
        package var message: String
    }

    /// The file's encoding as read: `utf8` or `windows1251`.
    package enum Encoding: String, Sendable {
        case utf8, windows1251
    }

    /// The documents of one XML file.
    package static func parse(_ bytes: [UInt8]) throws(Failure) -> (documents: [Document], encoding: Encoding) {
        let (text, encoding) = try decode(bytes)
        let tree = try Tree.parse(Data(text.utf8))
        guard tree.name == "КоммерческаяИнформация" else {
            throw Failure(reason: "notCommerceML", message: "the root element is <\(tree.name)>, not <КоммерческаяИнформация>")
        }
        var documents: [Document] = []
        tree.visit { element in
            guard element.name == "Документ" else { return true }
            documents.append(document(element))
            return false
        }
        return (documents, encoding)
    }

    /// The text of the bytes, with its declaration naming UTF-8 (the parser reads it as such).
    static func decode(_ bytes: [UInt8]) throws(Failure) -> (String, Encoding) {
        var body = bytes[...]
        var encoding = Encoding.utf8
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            body = bytes.dropFirst(3)
        } else if let declared = declaredEncoding(bytes) {
            switch declared.lowercased() {
            case "windows-1251", "cp1251", "win-1251", "windows1251": encoding = .windows1251
            case "utf-8", "utf8": encoding = .utf8
            default: throw Failure(reason: "encoding", message: "the file declares \(declared); 1C writes windows-1251 or utf-8")
            }
        }
        var text: String
        switch encoding {
        case .windows1251:
            text = LegacyEncoding.windows1251.decode(Array(body))
        case .utf8:
            guard let decoded = String(validating: body, as: UTF8.self) else {
                throw Failure(reason: "encoding", message: "the file is not valid UTF-8 and declares no other encoding")
            }
            text = decoded
        }
        if text.hasPrefix("<?xml"), let close = text.range(of: "?>") {
            let prolog = String(text[..<close.lowerBound])
            let rewritten = prolog.replacingOccurrences(of: #"encoding\s*=\s*["'][^"']*["']"#, with: #"encoding="UTF-8""#, options: .regularExpression)
            text = rewritten + text[close.lowerBound...]
        }
        return (text, encoding)
    }

    /// `encoding="…"` of the XML declaration, read as ASCII from the first bytes.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(200).prefix { $0 < 0x80 }, as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>") else { return nil }
        let prolog = head[..<end.lowerBound]
        guard let found = prolog.range(of: #"encoding\s*=\s*["']([^"']*)["']"#, options: .regularExpression) else { return nil }
        let attribute = prolog[found]
        guard let quote = attribute.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { return nil }
        return String(attribute[attribute.index(after: quote)...].dropLast())
    }

    /// A 1C date: `YYYY-MM-DD`, with a time after `T` or not, or `dd.mm.yyyy`; a lone «T», an
    /// empty text or anything else is no date.
    package static func date(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        let day = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if day.count == 10, Timestamp.parseDate(day) != nil { return day }
        if let numeric = RussianDate.parseNumeric(String(text.prefix(10))) {
            return String(format: "%04d-%02d-%02d", numeric.year, numeric.month, numeric.day)
        }
        return nil
    }

    /// 1C's booleans: «true», «истина», «да», «1».
    static func truth(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["true", "истина", "да", "1"].contains(folded(text))
    }

    /// A requisite's name or a flag as compared: trimmed, in lower case, «ё» read as «е» (the
    /// engine's one fold, `TextFolding.fold`).
    static func folded(_ text: String) -> String {
        TextFolding.fold(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func document(_ element: Tree) -> Document {
        var document = Document()
        document.id = element.text(of: "Ид")
        document.number = element.text(of: "Номер")
        document.date = date(element.text(of: "Дата"))
        document.operation = element.text(of: "ХозОперация")
        document.amount = element.text(of: "Сумма")
        document.basis = element.text(of: "Основание")
        for values in element.children where values.name == "ЗначенияРеквизитов" {
            for value in values.children where value.name == "ЗначениеРеквизита" {
                guard let name = value.text(of: "Наименование") else { continue }
                document.requisites.append((name, value.text(of: "Значение") ?? ""))
            }
        }
        document.markedForDeletion = truth(element.text(of: "ПометкаУдаления")) || truth(document.requisite("ПометкаУдаления"))
        document.paid = truth(element.text(of: "Оплачен")) || truth(document.requisite("Оплачен"))
        return document
    }

    /// The file as a tree of elements with their text (attributes are not needed).
    final class Tree {
        let name: String
        var text = ""
        var children: [Tree] = []

        init(name: String) { self.name = name }

        /// The trimmed text of the first child named `name`, nil when there is none or it is empty.
        func text(of name: String) -> String? {
            guard let child = children.first(where: { $0.name == name }) else { return nil }
            let text = child.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }

        /// Visits the elements depth first; `body` returns whether to go into the element's children.
        func visit(_ body: (Tree) -> Bool) {
            for child in children where body(child) { child.visit(body) }
        }

        static func parse(_ data: Data) throws(Failure) -> Tree {
            let parser = XMLParser(data: data)
            let builder = Builder()
            parser.delegate = builder
            parser.shouldResolveExternalEntities = false
            // A file cut short can parse without an error: its elements are then still open.
            guard parser.parse(), let root = builder.root, builder.stack.isEmpty else {
                let line = parser.lineNumber
                throw Failure(reason: "xml", message: "line \(line): not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "unknown"))")
            }
            return root
        }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: Tree?
        var stack: [Tree] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let element = Tree(name: name)
            if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

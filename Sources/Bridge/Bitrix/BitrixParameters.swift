import Foundation
import JSONKit

/// The parameters of one Bitrix24 call, from its query string and its body together (the
/// body's win), with top-level names in lower case as Bitrix24 reads them (`ID` and `id` are
/// one parameter). `commandOrder` keeps the order of a batch's `cmd` keys, which a JSON object
/// loses: later commands may refer to the results of earlier ones.
struct BitrixParameters: Sendable {
    var values: [String: JSON]
    var commandOrder: [String]

    subscript(name: String) -> JSON? { values[name] }

    /// Reads the query string and the body (`application/json`, a form, or `multipart/form-data`).
    init(query: String?, body: [UInt8], contentType: String?) throws(BitrixError) {
        var tree = BitrixFormTree()
        if let query, !query.isEmpty { try tree.add(BitrixFormTree.pairs(of: query)) }
        let type = (contentType ?? "").lowercased()
        var fromJSON: [String: JSON] = [:]
        var jsonOrder: [String] = []
        if !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if type.hasPrefix("multipart/form-data") {
                try tree.add(BitrixMultipart.pairs(of: body, contentType: contentType ?? ""))
            } else if type.hasPrefix("application/json") || (type.isEmpty && body.first == UInt8(ascii: "{")) {
                guard let parsed = try? JSON.parse(body), let object = parsed.objectValue else {
                    throw .invalidRequest("The request body is not a JSON object")
                }
                fromJSON = object
                jsonOrder = BitrixKeyOrder.keys(of: "cmd", in: body)
            } else {
                guard let text = String(validating: body, as: UTF8.self) else {
                    throw .invalidRequest("The request body is not UTF-8")
                }
                try tree.add(BitrixFormTree.pairs(of: text))
            }
        }
        var values: [String: JSON] = [:]
        for (key, value) in tree.json.objectValue ?? [:] { values[key.lowercased()] = value }
        for (key, value) in fromJSON { values[key.lowercased()] = value }
        self.values = values
        self.commandOrder = jsonOrder.isEmpty ? tree.keys(under: "cmd") : jsonOrder
    }

    init(values: [String: JSON]) {
        self.values = values
        self.commandOrder = []
    }
}

/// Name–value pairs nested the way PHP nests them: `fields[PHONE][0][VALUE]=x` is
/// `{"fields": {"PHONE": [{"VALUE": "x"}]}}`, `select[]=ID&select[]=TITLE` a list. Keys keep
/// their order; a level whose keys are 0, 1, 2 … in order becomes an array.
struct BitrixFormTree {
    private indirect enum Node {
        case value(String)
        case map([(String, Node)])
    }
    private var root: [(String, Node)] = []

    /// The pairs of `a=1&b[c]=2`, `+` and `%XX` decoded.
    static func pairs(of text: String) throws(BitrixError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("Malformed percent-encoding in the parameters")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    mutating func add(_ pairs: [(String, String)]) throws(BitrixError) {
        for (name, value) in pairs {
            let path = try Self.path(of: name)
            Self.insert(value, at: path[...], into: &root)
        }
    }

    /// `a[b][]` → ["a", "b", ""]; an empty step appends.
    private static func path(of name: String) throws(BitrixError) -> [String] {
        guard let open = name.firstIndex(of: "[") else { return [name] }
        var path = [String(name[..<open])]
        var rest = name[open...]
        while rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidRequest("Unbalanced brackets in parameter \(name)") }
            path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        guard rest.isEmpty, !path[0].isEmpty else { throw .invalidRequest("Malformed parameter name \(name)") }
        return path
    }

    private static func insert(_ value: String, at path: ArraySlice<String>, into level: inout [(String, Node)]) {
        guard var key = path.first else { return }
        if key.isEmpty { key = String(level.count) }
        let rest = path.dropFirst()
        let index = level.firstIndex { $0.0 == key }
        if rest.isEmpty {
            if let index { level[index].1 = .value(value) } else { level.append((key, .value(value))) }
            return
        }
        var children: [(String, Node)] = []
        if let index, case .map(let existing) = level[index].1 { children = existing }
        insert(value, at: rest, into: &children)
        if let index { level[index].1 = .map(children) } else { level.append((key, .map(children))) }
    }

    var json: JSON { Self.json(of: root) }

    /// The keys of the top-level map `name`, in order.
    func keys(under name: String) -> [String] {
        guard let node = root.first(where: { $0.0.lowercased() == name })?.1, case .map(let children) = node else { return [] }
        return children.map(\.0)
    }

    private static func json(of level: [(String, Node)]) -> JSON {
        let converted = level.map { ($0.0, json(of: $0.1)) }
        if !level.isEmpty, level.enumerated().allSatisfy({ $0.element.0 == String($0.offset) }) {
            return .array(converted.map(\.1))
        }
        return .object(Dictionary(converted, uniquingKeysWith: { _, last in last }))
    }

    private static func json(of node: Node) -> JSON {
        switch node {
        case .value(let text): .string(text)
        case .map(let children): json(of: children)
        }
    }
}

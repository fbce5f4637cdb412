import JSONKit

/// Turns indexed schema documents into a table of compiled nodes. Every `$ref` is resolved
/// here, once, to a node index; a location reached twice compiles to the same node, which is
/// what makes recursive schemas finite.
struct SchemaCompiler {
    let index: SchemaIndex
    private(set) var nodes: ContiguousArray<CompiledNode> = []
    private(set) var nodeLocations: [SchemaLocation] = []
    private(set) var compiled: [SchemaLocation: Int] = [:]
    private var regexes: [String: RegexBox] = [:]

    init(index: SchemaIndex) {
        self.index = index
    }

    /// Compiles every document and every subschema position found by the index, then rejects
    /// reference cycles that would never descend into the instance.
    mutating func compileAll() throws(SchemaLoadError) {
        for document in index.documents.indices {
            let root = SchemaLocation(document: document, pointer: [])
            _ = try compile(root, base: index.outerBase(of: root))
        }
        let remaining = index.positions.keys
            .filter { compiled[$0] == nil }
            .sorted { ($0.document, $0.pointer.count) < ($1.document, $1.pointer.count) }
        for location in remaining {
            _ = try compile(location, base: index.outerBase(of: location))
        }
        try rejectInPlaceCycles()
    }

    mutating func compile(_ location: SchemaLocation, base: URIReference) throws(SchemaLoadError) -> Int {
        if let existing = compiled[location] { return existing }
        guard let schema = index.value(at: location) else {
            throw .unresolvedReference(index.describe(location))
        }
        let id = nodes.count
        nodes.append(.alwaysValid)
        nodeLocations.append(location)
        compiled[location] = id
        switch schema {
        case .bool(true):
            break
        case .bool(false):
            nodes[id] = CompiledNode(keywords: [.alwaysFail], tracksEvaluation: false)
        case .object(let object):
            var reader = KeywordReader(object: object, location: location, base: base, index: index)
            try reader.applyID()
            let keywords = try compileKeywords(reader)
            let tracks = keywords.contains {
                switch $0 {
                case .unevaluatedItems, .unevaluatedProperties: true
                default: false
                }
            }
            nodes[id] = CompiledNode(keywords: keywords, tracksEvaluation: tracks)
        default:
            throw .invalidSchema(uri: index.describe(location), reason: "a schema must be an object or a boolean")
        }
        return id
    }

    mutating func regex(_ pattern: String, reader: KeywordReader, keyword: [String]) throws(SchemaLoadError) -> RegexBox {
        if let cached = regexes[pattern] { return cached }
        guard let box = RegexBox(pattern) else {
            throw reader.invalid(keyword, "'\(pattern)' is not a valid regular expression")
        }
        regexes[pattern] = box
        return box
    }

    /// A schema that reaches itself through `$ref`, `allOf`, `not`, `if` … without moving to a
    /// child of the instance would recurse forever; such documents are rejected at load.
    func rejectInPlaceCycles() throws(SchemaLoadError) {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 unseen, 1 on the path, 2 done
        for start in nodes.indices where state[start] == 0 {
            var stack: [(node: Int, edges: [Int], next: Int)] = [(start, edges(of: start), 0)]
            state[start] = 1
            while let top = stack.last {
                if top.next == top.edges.count {
                    state[top.node] = 2
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let target = top.edges[top.next]
                if state[target] == 1 {
                    throw .invalidSchema(uri: index.describe(nodeLocations[target]),
                                         reason: "the schema refers to itself without descending into the instance (infinite recursion)")
                }
                if state[target] == 0 {
                    state[target] = 1
                    stack.append((target, edges(of: target), 0))
                }
            }
        }
    }

    private func edges(of node: Int) -> [Int] {
        nodes[node].keywords.flatMap(\.inPlaceSubschemas)
    }
}

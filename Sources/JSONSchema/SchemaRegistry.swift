import JSONKit

/// A set of JSON Schema (draft 2020-12) documents, each identified by its absolute `$id`.
///
/// Everything is compiled in `init`: every `$ref` is resolved (an unresolvable one is an error
/// there, not at validation time), regular expressions are compiled and the schemas become a
/// table of nodes. After that the registry is immutable, so one instance can be shared by any
/// number of threads.
public final class SchemaRegistry: Sendable {
    /// Validation stops collecting errors after this many.
    public static let errorLimit = 100

    private let index: SchemaIndex
    private let nodes: ContiguousArray<CompiledNode>
    private let compiled: [SchemaLocation: Int]
    /// Canonical URIs (resource + pointer fragment, anchors) of compiled schemas, for one-lookup access.
    private let lookup: [String: Int]

    public init(documents: [JSON]) throws(SchemaLoadError) {
        let index = try SchemaIndex(documents: documents)
        var compiler = SchemaCompiler(index: index)
        try compiler.compileAll()
        var lookup: [String: Int] = [:]
        for (location, node) in compiler.compiled {
            let canonical = index.describe(location)
            lookup[canonical] = node
            if !canonical.utf8.contains(UInt8(ascii: "#")) { lookup[canonical + "#"] = node }
        }
        for (uri, location) in index.anchors {
            if let node = compiler.compiled[location] { lookup[uri] = node }
        }
        self.index = index
        self.nodes = compiler.nodes
        self.compiled = compiler.compiled
        self.lookup = lookup
    }

    /// The errors of `instance` against the schema at `uri` (an absolute URI, optionally with a
    /// JSON Pointer or anchor fragment, e.g. "https://x/methods/lead.add.json#/$defs/params");
    /// empty when the instance is valid. At most `errorLimit` errors, ordered by instance path.
    public func validate(_ instance: JSON, against uri: String) throws(SchemaLoadError) -> [SchemaValidationError] {
        Validator.run(nodes: nodes, root: try node(for: uri), instance: instance, limit: Self.errorLimit)
    }

    /// Whether `instance` is valid against the schema at `uri`; faster than `validate` when the
    /// errors are not needed.
    public func isValid(_ instance: JSON, against uri: String) throws(SchemaLoadError) -> Bool {
        Validator.isValid(nodes: nodes, root: try node(for: uri), instance: instance)
    }

    /// The raw (sub)schema at `uri`, resolving its fragment; nil when nothing is there.
    public func schema(at uri: String) -> JSON? {
        let reference = URIReference(uri)
        guard reference.isAbsolute, let location = index.locate(reference) else { return nil }
        return index.value(at: location)
    }

    /// The `$id`s of the loaded documents and of the resources embedded in them.
    public var identifiers: [String] { index.resources.keys.sorted() }

    private func node(for uri: String) throws(SchemaLoadError) -> Int {
        if let node = lookup[uri] { return node }
        let reference = URIReference(uri)
        guard reference.isAbsolute, let location = index.locate(reference), let node = compiled[location] else {
            throw .unresolvedReference(uri)
        }
        return node
    }
}

import JSONKit
import Synchronization

/// A set of JSON Schema (draft 2020-12) documents, each identified by its absolute `$id`.
///
/// Compiling resolves every `$ref` (an unresolvable one is a load error, never a pass at
/// validation time), compiles regular expressions and turns the schemas into a table of nodes.
/// With `.atLoad` everything is compiled in `init`; with `.onFirstUse` only the documents are
/// indexed there, and a schema is compiled, with everything it refers to, the first time a
/// validator for it is asked for — so a process that validates a few methods never pays for
/// the rest. Thread rule: the node table grows only under the registry's mutex, and a
/// `SchemaValidator` holds an immutable snapshot of it, so any number of threads may ask for
/// validators and validate at once; a first use that fails to compile leaves the table as it was.
public final class SchemaRegistry: Sendable {
    /// Validation stops collecting errors after this many.
    public static let errorLimit = 100

    /// When the schemas are compiled.
    public enum Compilation: Sendable {
        /// All of them in `init`: every load error surfaces there.
        case atLoad
        /// Each when first validated against (its references with it).
        case onFirstUse
    }

    private let index: SchemaIndex
    private let state: Mutex<CompiledState>

    /// The compiler's table and the URIs already resolved to its nodes.
    private struct CompiledState {
        var compiler: SchemaCompiler
        /// Canonical URIs (resource + pointer fragment, anchors) and URIs asked for, to their node.
        var lookup: [String: Int] = [:]
    }

    public init(documents: [JSON], compilation: Compilation = .atLoad) throws(SchemaLoadError) {
        let index = try SchemaIndex(documents: documents)
        var compiler = SchemaCompiler(index: index)
        var lookup: [String: Int] = [:]
        if compilation == .atLoad {
            try compiler.compileAll()
            for (location, node) in compiler.compiled {
                let canonical = index.describe(location)
                lookup[canonical] = node
                if !canonical.utf8.contains(UInt8(ascii: "#")) { lookup[canonical + "#"] = node }
            }
            for (uri, location) in index.anchors {
                if let node = compiler.compiled[location] { lookup[uri] = node }
            }
        }
        self.index = index
        state = Mutex(CompiledState(compiler: compiler, lookup: lookup))
    }

    /// A validator for the schema at `uri` (an absolute URI, optionally with a JSON Pointer or
    /// anchor fragment, e.g. "https://x/methods/lead.add.json#/$defs/params"), compiling it
    /// first if this is its first use. Keep it: validating through it takes no lock.
    public func validator(at uri: String) throws(SchemaLoadError) -> SchemaValidator {
        try state.withLock { (state: inout CompiledState) throws(SchemaLoadError) -> SchemaValidator in
            if let node = state.lookup[uri] { return SchemaValidator(nodes: state.compiler.nodes, root: node) }
            let reference = URIReference(uri)
            guard reference.isAbsolute, let location = index.locate(reference) else { throw .unresolvedReference(uri) }
            let node: Int
            if let existing = state.compiler.compiled[location] {
                node = existing
            } else {
                guard index.positions[location] != nil else { throw .unresolvedReference(uri) }
                var compiler = state.compiler
                node = try compiler.compile(location, base: index.outerBase(of: location))
                try compiler.rejectInPlaceCycles()
                state.compiler = compiler
            }
            state.lookup[uri] = node
            return SchemaValidator(nodes: state.compiler.nodes, root: node)
        }
    }

    /// The errors of `instance` against the schema at `uri`; empty when the instance is valid.
    /// At most `errorLimit` errors, ordered by instance path.
    public func validate(_ instance: JSON, against uri: String) throws(SchemaLoadError) -> [SchemaValidationError] {
        try validator(at: uri).validate(instance)
    }

    /// Whether `instance` is valid against the schema at `uri`; faster than `validate` when the
    /// errors are not needed.
    public func isValid(_ instance: JSON, against uri: String) throws(SchemaLoadError) -> Bool {
        try validator(at: uri).isValid(instance)
    }

    /// Compiles every schema not compiled yet, as `.atLoad` does: a check that the whole set
    /// loads (tests call it on a registry made `.onFirstUse`).
    public func compileAll() throws(SchemaLoadError) {
        try state.withLock { (state: inout CompiledState) throws(SchemaLoadError) in
            var compiler = state.compiler
            try compiler.compileAll()
            state.compiler = compiler
        }
    }

    /// How many schema nodes are compiled so far.
    public var compiledNodeCount: Int { state.withLock { $0.compiler.nodes.count } }

    /// The raw (sub)schema at `uri`, resolving its fragment; nil when nothing is there.
    public func schema(at uri: String) -> JSON? {
        let reference = URIReference(uri)
        guard reference.isAbsolute, let location = index.locate(reference) else { return nil }
        return index.value(at: location)
    }

    /// The `$id`s of the loaded documents and of the resources embedded in them.
    public var identifiers: [String] { index.resources.keys.sorted() }
}

/// Validates instances against one compiled schema. Immutable (a snapshot of the registry's
/// node table that holds everything the schema reaches), so it may be shared by any threads.
public struct SchemaValidator: Sendable {
    let nodes: ContiguousArray<CompiledNode>
    let root: Int

    /// The errors of `instance`; empty when it is valid. At most `SchemaRegistry.errorLimit`,
    /// ordered by instance path.
    public func validate(_ instance: JSON) -> [SchemaValidationError] {
        Validator.run(nodes: nodes, root: root, instance: instance, limit: SchemaRegistry.errorLimit)
    }

    /// Whether `instance` is valid; faster than `validate` when the errors are not needed.
    public func isValid(_ instance: JSON) -> Bool {
        Validator.isValid(nodes: nodes, root: root, instance: instance)
    }
}

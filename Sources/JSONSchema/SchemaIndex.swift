import Foundation
import JSONKit

/// Every schema resource (`$id`) and anchor (`$anchor`, `$dynamicAnchor`) of the loaded
/// documents, and the base URI in effect at each schema position. Built by walking each
/// document through its subschema keywords before anything is compiled, so references may
/// point forward and across documents.
struct SchemaIndex: Sendable {
    struct Position: Sendable {
        /// The base URI a relative `$id` here is resolved against.
        var outerBase: URIReference
        /// The base URI after this schema's own `$id`, if any.
        var innerBase: URIReference
        /// The innermost resource enclosing this position, and the pointer length of its root.
        var resource: String
        var resourceDepth: Int
    }

    let documents: [JSON]
    private(set) var documentIDs: [String] = []
    private(set) var resources: [String: SchemaLocation] = [:]
    private(set) var anchors: [String: SchemaLocation] = [:]
    private(set) var positions: [SchemaLocation: Position] = [:]

    init(documents: [JSON]) throws(SchemaLoadError) {
        self.documents = documents
        for (index, document) in documents.enumerated() {
            guard case .string(let idText)? = document["$id"] else {
                throw .invalidSchema(uri: "document \(index)", reason: "a schema document needs a string \"$id\"")
            }
            let id = URIReference(idText)
            guard id.isAbsolute, id.fragment?.isEmpty ?? true else {
                throw .invalidSchema(uri: idText, reason: "a document's $id must be an absolute URI without a fragment")
            }
            documentIDs.append(id.withoutFragment.description)
            try walk(document, at: SchemaLocation(document: index, pointer: []), base: id.withoutFragment,
                     resource: id.withoutFragment.description, resourceDepth: 0)
        }
    }

    private mutating func walk(_ schema: JSON, at location: SchemaLocation, base: URIReference,
                               resource: String, resourceDepth: Int) throws(SchemaLoadError) {
        guard case .object(let object) = schema else {
            positions[location] = Position(outerBase: base, innerBase: base, resource: resource, resourceDepth: resourceDepth)
            return
        }
        var innerBase = base
        var resource = resource
        var resourceDepth = resourceDepth
        if case .string(let id)? = object["$id"] {
            let resolved = URIReference(id).resolved(against: base)
            guard resolved.fragment?.isEmpty ?? true else {
                throw .invalidSchema(uri: describe(location), reason: "$id must not contain a fragment")
            }
            innerBase = resolved.withoutFragment
            resource = innerBase.description
            resourceDepth = location.pointer.count
            if resources[resource] != nil { throw .duplicateID(resource) }
            resources[resource] = location
        }
        positions[location] = Position(outerBase: base, innerBase: innerBase, resource: resource, resourceDepth: resourceDepth)
        for keyword in ["$anchor", "$dynamicAnchor"] {
            guard case .string(let name)? = object[keyword] else { continue }
            guard Self.isAnchorName(name) else {
                throw .invalidSchema(uri: describe(location), reason: "\(keyword) '\(name)' is not a valid anchor name")
            }
            let uri = resource + "#" + name
            if let existing = anchors[uri], existing != location { throw .duplicateID(uri) }
            anchors[uri] = location
        }
        for child in SubschemaKeywords.children(of: object) {
            try walk(child.schema, at: location.appending(child.tokens), base: innerBase,
                     resource: resource, resourceDepth: resourceDepth)
        }
    }

    /// `[A-Za-z_][-A-Za-z0-9._]*`
    static func isAnchorName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        guard isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return name.utf8.allSatisfy { b in
            isLetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        }
    }

    func value(at location: SchemaLocation) -> JSON? {
        guard documents.indices.contains(location.document) else { return nil }
        return JSONPointer.resolve(location.pointer, in: documents[location.document])
    }

    /// The location an absolute URI names: a resource, a JSON Pointer fragment inside one, or an anchor.
    func locate(_ uri: URIReference) -> SchemaLocation? {
        let resource = uri.withoutFragment.description
        let fragment = uri.fragment ?? ""
        if fragment.isEmpty { return resources[resource] }
        if fragment.hasPrefix("/") || fragment.hasPrefix("%2F") || fragment.hasPrefix("%2f") {
            guard let root = resources[resource], let tokens = JSONPointer.tokens(fragment: fragment) else { return nil }
            let location = root.appending(tokens)
            return value(at: location) == nil ? nil : location
        }
        return anchors[resource + "#" + (fragment.removingPercentEncodingOrSelf)]
    }

    /// The base URI a schema at `location` resolves its own `$id` against. Positions reached only
    /// by a pointer into non-schema data inherit the base of the nearest schema above them.
    func outerBase(of location: SchemaLocation) -> URIReference {
        if let position = positions[location] { return position.outerBase }
        var prefix = location.pointer
        while !prefix.isEmpty {
            prefix.removeLast()
            if let position = positions[SchemaLocation(document: location.document, pointer: prefix)] {
                return position.innerBase
            }
        }
        return URIReference(documentIDs[location.document])
    }

    /// The canonical URI of a location: its innermost resource plus a JSON Pointer fragment.
    func describe(_ location: SchemaLocation) -> String {
        var prefix = location.pointer
        while true {
            if let position = positions[SchemaLocation(document: location.document, pointer: prefix)] {
                let relative = location.pointer.dropFirst(position.resourceDepth)
                return relative.isEmpty ? position.resource : position.resource + "#" + JSONPointer.render(relative)
            }
            if prefix.isEmpty { break }
            prefix.removeLast()
        }
        let document = documentIDs.indices.contains(location.document) ? documentIDs[location.document] : "document \(location.document)"
        return document + "#" + JSONPointer.render(location.pointer)
    }
}

extension String {
    var removingPercentEncodingOrSelf: String { removingPercentEncoding ?? self }
}

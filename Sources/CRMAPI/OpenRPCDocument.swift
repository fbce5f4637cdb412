import JSONKit

/// Builds the OpenRPC 1.3 document `rpc.discover` serves from the embedded schemas: one
/// method per `methods/*.json` (params by name, one content descriptor per property), the
/// shared definitions under `components.schemas`, and `$ref`s rewritten to point there.
enum OpenRPCDocument {
    static func build(version: String, documents: [(path: String, json: JSON)]) -> JSON {
        var components: [String: JSON] = [:]
        var errorCodes: [String: JSON] = [:]
        for (path, document) in documents where !path.hasPrefix("methods/") {
            for (name, schema) in document["$defs"]?.objectValue ?? [:] {
                components[name] = rewriteRefs(schema)
            }
            for (code, error) in document["x-errorCodes"]?.objectValue ?? [:] { errorCodes[code] = error }
        }
        var methods: [JSON] = []
        for (path, document) in documents.sorted(by: { $0.path < $1.path }) where path.hasPrefix("methods/") {
            guard let name = document["title"]?.stringValue, let params = document["$defs"]?["params"],
                  let result = document["$defs"]?["result"] else { continue }
            let required = Set(params["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let properties = params["properties"]?.objectValue ?? [:]
            let descriptors: [JSON] = properties.keys.sorted().map { key in
                ["name": .string(key), "required": .bool(required.contains(key)), "schema": rewriteRefs(properties[key]!)]
            }
            let errors: [JSON] = (document["x-errors"]?.arrayValue ?? []).compactMap { code in
                guard let key = code.int64Value.map({ String($0) }), let error = errorCodes[key] else { return nil }
                return ["code": code, "message": error["message"] ?? .string(key)]
            }
            methods.append([
                "name": .string(name), "summary": document["description"] ?? .string(name),
                "paramStructure": "by-name", "params": .array(descriptors),
                "result": ["name": "result", "schema": rewriteRefs(result)], "errors": .array(errors),
            ])
        }
        return [
            "openrpc": "1.3.2",
            "info": ["title": "crmd", "version": .string(version),
                     "description": "A headless CRM engine: leads, funnels, deals, invoices, 1C exchange."],
            "methods": .array(methods),
            "components": ["schemas": .object(components)],
        ]
    }

    /// `../common.json#/$defs/Id` and `#/$defs/Id` → `#/components/schemas/Id`.
    private static func rewriteRefs(_ schema: JSON) -> JSON {
        switch schema {
        case .object(var object):
            if case .string(let ref)? = object["$ref"], let range = ref.range(of: "#/$defs/") {
                object["$ref"] = .string("#/components/schemas/" + ref[range.upperBound...])
            }
            return .object(object.mapValues(rewriteRefs))
        case .array(let items):
            return .array(items.map(rewriteRefs))
        default:
            return schema
        }
    }
}

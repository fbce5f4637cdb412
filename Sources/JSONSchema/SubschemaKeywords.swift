import JSONKit

/// Which draft 2020-12 keywords hold subschemas, and in what shape. Only these are walked for
/// `$id` and `$anchor`; anything under other keywords is plain data.
enum SubschemaKeywords {
    static let single: Set<String> = [
        "items", "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema",
    ]
    static let map: Set<String> = ["$defs", "properties", "patternProperties", "dependentSchemas"]
    static let list: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]

    /// The subschemas directly inside a schema object, with the pointer tokens leading to each.
    static func children(of object: [String: JSON]) -> [(tokens: [String], schema: JSON)] {
        var result: [(tokens: [String], schema: JSON)] = []
        for (keyword, value) in object {
            if single.contains(keyword) {
                result.append(([keyword], value))
            } else if map.contains(keyword), case .object(let members) = value {
                for (name, schema) in members { result.append(([keyword, name], schema)) }
            } else if list.contains(keyword), case .array(let items) = value {
                for (index, schema) in items.enumerated() { result.append(([keyword, String(index)], schema)) }
            }
        }
        return result
    }
}

import JSONKit

/// A schema compiled for validation: its keywords in evaluation order, subschemas as indices
/// into the registry's node table (so references, even recursive ones, are plain indices).
/// Rule: `unevaluatedProperties`/`unevaluatedItems` come last, after every sibling.
struct CompiledNode: Sendable {
    var keywords: [Keyword]
    /// True when a keyword here needs to know which properties or items siblings evaluated.
    var tracksEvaluation: Bool

    static let alwaysValid = CompiledNode(keywords: [], tracksEvaluation: false)
}

/// One compiled keyword (or a group of keywords that only make sense together).
enum Keyword: Sendable {
    case alwaysFail
    case type(TypeSet)
    case enumeration(EnumValues)
    case constant(JSON)
    case bound(NumericBound)
    case multipleOf(ExactDecimal, text: String)
    case minLength(Int)
    case maxLength(Int)
    case pattern(RegexBox)
    case format(StringFormat)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case dependentRequired([(property: String, required: [String])])
    case reference(Int)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(condition: Int, then: Int?, else: Int?)
    case dependentSchemas([(property: String, schema: Int)])
    case properties(PropertyApplicator)
    case propertyNames(Int)
    case items(prefix: [Int], rest: Int?, restIsFalse: Bool)
    case contains(schema: Int, min: Int, max: Int?)
    case unevaluatedProperties(Int, isFalse: Bool)
    case unevaluatedItems(Int, isFalse: Bool)

    /// Subschemas applied to the same instance location (edges that do not descend).
    var inPlaceSubschemas: [Int] {
        switch self {
        case .reference(let target): [target]
        case .allOf(let list), .anyOf(let list), .oneOf(let list): list
        case .not(let schema): [schema]
        case .conditional(let condition, let then, let otherwise): [condition] + [then, otherwise].compactMap { $0 }
        case .dependentSchemas(let pairs): pairs.map(\.schema)
        default: []
        }
    }
}

/// `properties`, `patternProperties` and `additionalProperties` of one schema, which must be
/// applied together: `additionalProperties` covers the names the other two do not.
struct PropertyApplicator: Sendable {
    var properties: [String: Int]
    var patterns: [(regex: RegexBox, schema: Int)]
    var additional: Int?
    var additionalIsFalse: Bool
}

/// A `maximum`, `exclusiveMaximum`, `minimum` or `exclusiveMinimum` limit.
struct NumericBound: Sendable {
    enum Kind: Sendable { case maximum, exclusiveMaximum, minimum, exclusiveMinimum }
    var kind: Kind
    var limit: ExactDecimal
    var limitInteger: Int64?
    var text: String

    /// Whether a comparison result (instance vs limit: -1, 0, 1) satisfies the bound.
    func accepts(_ comparison: Int) -> Bool {
        switch kind {
        case .maximum: comparison <= 0
        case .exclusiveMaximum: comparison < 0
        case .minimum: comparison >= 0
        case .exclusiveMinimum: comparison > 0
        }
    }

    var requirement: String {
        switch kind {
        case .maximum: "at most \(text)"
        case .exclusiveMaximum: "less than \(text)"
        case .minimum: "at least \(text)"
        case .exclusiveMinimum: "greater than \(text)"
        }
    }
}

/// The values of an `enum`, with a hashed index when the list is long.
struct EnumValues: Sendable {
    var values: [JSON]
    var keys: Set<String>?

    init(_ values: [JSON]) {
        self.values = values
        keys = values.count > 8 ? Set(values.map(JSONEquality.key)) : nil
    }

    func contains(_ instance: JSON) -> Bool {
        if let keys { return keys.contains(JSONEquality.key(instance)) }
        return values.contains { JSONEquality.equal($0, instance) }
    }
}

/// A set of JSON Schema type names; `integer` is the integral subset of `number`.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let string = TypeSet(rawValue: 32)
    static let integer = TypeSet(rawValue: 64)

    static let named: [(String, TypeSet)] = [
        ("string", .string), ("number", .number), ("integer", .integer), ("boolean", .boolean),
        ("object", .object), ("array", .array), ("null", .null),
    ]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        guard let match = Self.named.first(where: { $0.0 == name }) else { return nil }
        self = match.1
    }

    func matches(_ instance: JSON) -> Bool {
        switch instance {
        case .null: contains(.null)
        case .bool: contains(.boolean)
        case .string: contains(.string)
        case .array: contains(.array)
        case .object: contains(.object)
        case .number(let number): contains(.number) || (contains(.integer) && ExactDecimal.isIntegral(number.text))
        }
    }

    /// "string", "string or null", "string, integer or null".
    var names: String {
        let list = Self.named.filter { contains($0.1) && !($0.1 == .integer && contains(.number)) }.map(\.0)
        guard list.count > 1 else { return list.first ?? "nothing" }
        return list.dropLast().joined(separator: ", ") + " or " + (list.last ?? "")
    }

    /// The type name of an instance ("integer" for integral numbers).
    static func name(of instance: JSON) -> String {
        switch instance {
        case .null: "null"
        case .bool: "boolean"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .number(let number): ExactDecimal.isIntegral(number.text) ? "integer" : "number"
        }
    }
}

import JSONKit

/// Typed access to the keywords of one schema object. Every accessor returns nil when the
/// keyword is absent and throws `invalidSchema`, naming the keyword's location, when it is
/// present with the wrong shape.
struct KeywordReader {
    let object: [String: JSON]
    let location: SchemaLocation
    /// The base URI for references in this schema (after its own `$id`).
    private(set) var base: URIReference
    let index: SchemaIndex

    init(object: [String: JSON], location: SchemaLocation, base: URIReference, index: SchemaIndex) {
        self.object = object
        self.location = location
        self.base = base
        self.index = index
    }

    mutating func applyID() throws(SchemaLoadError) {
        guard let id = try string("$id") else { return }
        let resolved = URIReference(id).resolved(against: base)
        guard resolved.fragment?.isEmpty ?? true else { throw invalid(["$id"], "$id must not contain a fragment") }
        base = resolved.withoutFragment
    }

    func invalid(_ keyword: [String], _ reason: String) -> SchemaLoadError {
        .invalidSchema(uri: index.describe(location.appending(keyword)), reason: reason)
    }

    func string(_ keyword: String) throws(SchemaLoadError) -> String? {
        guard let value = object[keyword] else { return nil }
        guard case .string(let text) = value else { throw invalid([keyword], "'\(keyword)' must be a string") }
        return text
    }

    func bool(_ keyword: String) throws(SchemaLoadError) -> Bool? {
        guard let value = object[keyword] else { return nil }
        guard case .bool(let flag) = value else { throw invalid([keyword], "'\(keyword)' must be a boolean") }
        return flag
    }

    func number(_ keyword: String) throws(SchemaLoadError) -> (JSONNumber, ExactDecimal)? {
        guard let value = object[keyword] else { return nil }
        guard case .number(let number) = value, let exact = ExactDecimal(number.text) else {
            throw invalid([keyword], "'\(keyword)' must be a number")
        }
        return (number, exact)
    }

    /// A count such as `minLength`; values beyond `Int.max` are clamped.
    func count(_ keyword: String) throws(SchemaLoadError) -> Int? {
        guard let (_, exact) = try number(keyword), exact.isIntegral, !exact.negative else {
            if object[keyword] == nil { return nil }
            throw invalid([keyword], "'\(keyword)' must be a non-negative integer")
        }
        return exact.clampedInt
    }

    func stringList(_ keyword: [String], _ value: JSON) throws(SchemaLoadError) -> [String] {
        guard case .array(let items) = value else {
            throw invalid(keyword, "'\(keyword.last ?? "")' must be an array of strings")
        }
        var seen: Set<String> = []
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw invalid(keyword, "'\(keyword.last ?? "")' must be an array of strings")
            }
            guard seen.insert(text).inserted else {
                throw invalid(keyword, "'\(keyword.last ?? "")' lists '\(text)' twice")
            }
            strings.append(text)
        }
        return strings
    }

    /// The members of an object-valued keyword, sorted by name for a stable order.
    func members(_ keyword: String) throws(SchemaLoadError) -> [(String, JSON)]? {
        guard let value = object[keyword] else { return nil }
        guard case .object(let members) = value else { throw invalid([keyword], "'\(keyword)' must be an object") }
        return members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func nonEmptyArray(_ keyword: String) throws(SchemaLoadError) -> [JSON]? {
        guard let value = object[keyword] else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw invalid([keyword], "'\(keyword)' must be a non-empty array of schemas")
        }
        return items
    }
}

extension ExactDecimal {
    /// The integral value as an Int, clamped to `Int.max`.
    var clampedInt: Int {
        guard digits.count + exponent <= 18 else { return negative ? Int.min : Int.max }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit) }
        for _ in 0..<max(0, exponent) { value *= 10 }
        return negative ? -value : value
    }
}

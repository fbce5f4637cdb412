import JSONKit

/// Reading each draft 2020-12 keyword of one schema object into `Keyword`s, in evaluation order.
extension SchemaCompiler {
    mutating func compileKeywords(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        for keyword in ["$schema", "$anchor", "$dynamicAnchor", "$comment"] { _ = try reader.string(keyword) }
        var keywords: [Keyword] = []
        if let types = try typeSet(reader) { keywords.append(.type(types)) }
        if let value = reader.object["const"] { keywords.append(.constant(value)) }
        if let value = reader.object["enum"] {
            guard case .array(let values) = value else { throw reader.invalid(["enum"], "'enum' must be an array") }
            keywords.append(.enumeration(EnumValues(values)))
        }
        keywords += try numberKeywords(reader)
        keywords += try stringKeywords(reader)
        keywords += try arrayKeywords(reader)
        keywords += try objectKeywords(reader)
        keywords += try applicators(reader)
        _ = try children(reader, map: "$defs")
        _ = try child(reader, "contentSchema")
        if let schema = try child(reader, "unevaluatedItems") {
            keywords.append(.unevaluatedItems(schema, isFalse: reader.object["unevaluatedItems"] == .bool(false)))
        }
        if let schema = try child(reader, "unevaluatedProperties") {
            keywords.append(.unevaluatedProperties(schema, isFalse: reader.object["unevaluatedProperties"] == .bool(false)))
        }
        return keywords
    }

    private func typeSet(_ reader: KeywordReader) throws(SchemaLoadError) -> TypeSet? {
        guard let value = reader.object["type"] else { return nil }
        let names: [String]
        switch value {
        case .string(let name): names = [name]
        case .array:
            names = try reader.stringList(["type"], value)
            if names.isEmpty { throw reader.invalid(["type"], "'type' must not be an empty array") }
        default: throw reader.invalid(["type"], "'type' must be a type name or an array of type names")
        }
        var types = TypeSet()
        for name in names {
            guard let type = TypeSet(name: name) else { throw reader.invalid(["type"], "'\(name)' is not a JSON Schema type") }
            types.insert(type)
        }
        return types
    }

    private func numberKeywords(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let (number, exact) = try reader.number("multipleOf") {
            guard !exact.negative, !exact.isZero else { throw reader.invalid(["multipleOf"], "'multipleOf' must be greater than 0") }
            keywords.append(.multipleOf(exact, text: number.text))
        }
        let bounds: [(String, NumericBound.Kind)] = [
            ("minimum", .minimum), ("exclusiveMinimum", .exclusiveMinimum),
            ("maximum", .maximum), ("exclusiveMaximum", .exclusiveMaximum),
        ]
        for (name, kind) in bounds {
            guard let (number, exact) = try reader.number(name) else { continue }
            let integer = ExactDecimal.isPlainInteger(number.text) ? Int64(number.text) : nil
            keywords.append(.bound(NumericBound(kind: kind, limit: exact, limitInteger: integer, text: number.text)))
        }
        return keywords
    }

    private mutating func stringKeywords(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let count = try reader.count("minLength"), count > 0 { keywords.append(.minLength(count)) }
        if let count = try reader.count("maxLength") { keywords.append(.maxLength(count)) }
        if let pattern = try reader.string("pattern") {
            keywords.append(.pattern(try regex(pattern, reader: reader, keyword: ["pattern"])))
        }
        if let name = try reader.string("format"), let format = StringFormat(rawValue: name) {
            keywords.append(.format(format))
        }
        return keywords
    }

    private mutating func arrayKeywords(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let count = try reader.count("minItems"), count > 0 { keywords.append(.minItems(count)) }
        if let count = try reader.count("maxItems") { keywords.append(.maxItems(count)) }
        if try reader.bool("uniqueItems") == true { keywords.append(.uniqueItems) }
        if case .array? = reader.object["items"] {
            throw reader.invalid(["items"], "'items' must be a schema in draft 2020-12 (use 'prefixItems' for tuples)")
        }
        let prefix = try list(reader, "prefixItems") ?? []
        let rest = try child(reader, "items")
        if !prefix.isEmpty || rest != nil {
            keywords.append(.items(prefix: prefix, rest: rest, restIsFalse: reader.object["items"] == .bool(false)))
        }
        let minContains = try reader.count("minContains")
        let maxContains = try reader.count("maxContains")
        if let schema = try child(reader, "contains") {
            keywords.append(.contains(schema: schema, min: minContains ?? 1, max: maxContains))
        }
        return keywords
    }

    private mutating func objectKeywords(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        var keywords: [Keyword] = []
        if let count = try reader.count("minProperties"), count > 0 { keywords.append(.minProperties(count)) }
        if let count = try reader.count("maxProperties") { keywords.append(.maxProperties(count)) }
        if let value = reader.object["required"] {
            let names = try reader.stringList(["required"], value)
            if !names.isEmpty { keywords.append(.required(names)) }
        }
        if let members = try reader.members("dependentRequired") {
            var pairs: [(property: String, required: [String])] = []
            for (name, value) in members {
                pairs.append((name, try reader.stringList(["dependentRequired", name], value)))
            }
            keywords.append(.dependentRequired(pairs))
        }
        let properties = try children(reader, map: "properties")
        var patterns: [(regex: RegexBox, schema: Int)] = []
        if let members = try reader.members("patternProperties") {
            for (pattern, _) in members {
                let box = try regex(pattern, reader: reader, keyword: ["patternProperties", pattern])
                patterns.append((box, try compile(reader.location.appending("patternProperties", pattern), base: reader.base)))
            }
        }
        let additional = try child(reader, "additionalProperties")
        if properties != nil || !patterns.isEmpty || additional != nil {
            keywords.append(.properties(PropertyApplicator(
                properties: Dictionary((properties ?? []).map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }),
                patterns: patterns, additional: additional,
                additionalIsFalse: reader.object["additionalProperties"] == .bool(false))))
        }
        if let schema = try child(reader, "propertyNames") { keywords.append(.propertyNames(schema)) }
        return keywords
    }

    private mutating func applicators(_ reader: KeywordReader) throws(SchemaLoadError) -> [Keyword] {
        var keywords: [Keyword] = []
        for name in ["$ref", "$dynamicRef"] {
            guard let text = try reader.string(name) else { continue }
            let target = URIReference(text).resolved(against: reader.base)
            guard let location = index.locate(target) else { throw .unresolvedReference(target.description) }
            keywords.append(.reference(try compile(location, base: index.outerBase(of: location))))
        }
        if let schemas = try list(reader, "allOf") { keywords.append(.allOf(schemas)) }
        if let schemas = try list(reader, "anyOf") { keywords.append(.anyOf(schemas)) }
        if let schemas = try list(reader, "oneOf") { keywords.append(.oneOf(schemas)) }
        if let schema = try child(reader, "not") { keywords.append(.not(schema)) }
        let then = try child(reader, "then")
        let otherwise = try child(reader, "else")
        if let condition = try child(reader, "if") {
            keywords.append(.conditional(condition: condition, then: then, else: otherwise))
        }
        if let pairs = try children(reader, map: "dependentSchemas") {
            keywords.append(.dependentSchemas(pairs.map { (property: $0.0, schema: $0.1) }))
        }
        return keywords
    }

    private mutating func child(_ reader: KeywordReader, _ keyword: String) throws(SchemaLoadError) -> Int? {
        guard reader.object[keyword] != nil else { return nil }
        return try compile(reader.location.appending(keyword), base: reader.base)
    }

    private mutating func list(_ reader: KeywordReader, _ keyword: String) throws(SchemaLoadError) -> [Int]? {
        guard let items = try reader.nonEmptyArray(keyword) else { return nil }
        var schemas: [Int] = []
        for index in items.indices {
            schemas.append(try compile(reader.location.appending(keyword, String(index)), base: reader.base))
        }
        return schemas
    }

    private mutating func children(_ reader: KeywordReader, map keyword: String) throws(SchemaLoadError) -> [(String, Int)]? {
        guard let members = try reader.members(keyword) else { return nil }
        var result: [(String, Int)] = []
        for (name, _) in members {
            result.append((name, try compile(reader.location.appending(keyword, name), base: reader.base)))
        }
        return result
    }
}

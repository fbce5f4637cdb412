import JSONKit
import JSONSchema
import Testing

/// `$id`, `$ref`, `$anchor` and cross-document resolution.
@Suite struct ReferenceTests {
    static let common = #"""
    {"$id": "https://crm.example/schemas/common.json",
     "$defs": {
        "phone": {"$anchor": "phone", "type": "object", "required": ["value"], "properties": {"value": {"type": "string", "pattern": "^\\+?[0-9]+$"}}},
        "id": {"type": "integer", "minimum": 1}}}
    """#
    static let lead = #"""
    {"$id": "https://crm.example/schemas/methods/lead.add.json",
     "$defs": {
        "params": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
            "name": {"type": "string"},
            "funnel": {"$ref": "../common.json#/$defs/id"},
            "phones": {"type": "array", "items": {"$ref": "/schemas/common.json#phone"}},
            "address": {"$ref": "address.json"}}},
        "address": {"$id": "address.json", "type": "object", "properties": {"city": {"$ref": "#/$defs/city"}},
                    "$defs": {"city": {"type": "string", "minLength": 2}}}}}
    """#

    @Test func crossDocumentReferencesWithRelativeIDs() throws {
        let registry = try Fixture.registry(Self.common, Self.lead)
        let uri = "https://crm.example/schemas/methods/lead.add.json#/$defs/params"
        let good = try JSON.parse(#"{"name": "ACME", "funnel": 2, "phones": [{"value": "+7900"}], "address": {"city": "Omsk"}}"#)
        #expect(try registry.validate(good, against: uri) == [])
        let bad = try JSON.parse(#"{"name": "ACME", "funnel": 0, "phones": [{"value": "x"}], "address": {"city": "O"}, "foo": 1}"#)
        #expect(try registry.validate(bad, against: uri) == [
            SchemaValidationError(path: "/address/city", message: "must be at least 2 characters long"),
            SchemaValidationError(path: "/foo", message: "unknown property 'foo'"),
            SchemaValidationError(path: "/funnel", message: "must be at least 1"),
            SchemaValidationError(path: "/phones/0/value", message: "'x' does not match the pattern '^\\+?[0-9]+$'"),
        ])
    }

    @Test func validateAgainstEveryKindOfURI() throws {
        let registry = try Fixture.registry(Self.common, Self.lead)
        let city: JSON = "X"
        #expect(try registry.validate(city, against: "https://crm.example/schemas/methods/address.json#/$defs/city").count == 1)
        #expect(try registry.validate(city, against: "https://crm.example/schemas/methods/lead.add.json#/$defs/address/$defs/city").count == 1)
        #expect(try registry.validate(city, against: "https://crm.example/schemas/methods/lead.add.json#/%24defs/address/%24defs/city").count == 1)
        #expect(try registry.validate(["value": "1"], against: "https://crm.example/schemas/common.json#phone") == [])
        #expect(try registry.validate(["value": "1"], against: "https://crm.example/schemas/common.json") == [])
        #expect(throws: SchemaLoadError.unresolvedReference("https://crm.example/nope.json")) {
            try registry.validate(1, against: "https://crm.example/nope.json")
        }
        #expect(throws: SchemaLoadError.self) { try registry.validate(1, against: "https://crm.example/schemas/common.json#/$defs/missing") }
        #expect(throws: SchemaLoadError.self) { try registry.validate(1, against: "common.json") }
    }

    @Test func rawSchemaLookup() throws {
        let registry = try Fixture.registry(Self.common, Self.lead)
        #expect(registry.schema(at: "https://crm.example/schemas/common.json#/$defs/id") == ["type": "integer", "minimum": 1])
        #expect(registry.schema(at: "https://crm.example/schemas/common.json#phone")?["$anchor"] == "phone")
        #expect(registry.schema(at: "https://crm.example/schemas/methods/address.json#/$defs/city/minLength") == 2)
        #expect(registry.schema(at: "https://crm.example/schemas/missing.json") == nil)
        #expect(registry.identifiers.contains("https://crm.example/schemas/methods/address.json"))
    }

    @Test func recursiveTree() throws {
        let schema = #"""
        {"$defs": {"node": {"type": "object", "required": ["value"], "properties": {
            "value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
         "$ref": "#/$defs/node"}
        """#
        func tree(_ depth: Int) -> String {
            depth == 0 ? #"{"value": 0}"# : #"{"value": \#(depth), "children": [\#(tree(depth - 1)), {"value": 1}]}"#
        }
        #expect(try Fixture.isValid(schema, tree(40)))
        let deepBad = tree(5).replacingOccurrences(of: #"{"value": 0}"#, with: #"{"value": "zero"}"#)
        let errors = try Fixture.errors(schema, deepBad)
        #expect(errors.map(\.path) == ["/children/0/children/0/children/0/children/0/children/0/value"])
    }

    @Test func deepInstancesFailInsteadOfOverflowing() throws {
        let registry = try Fixture.registry(##"{"properties": {"next": {"$ref": "#"}}, "type": "object"}"##)
        func chain(_ depth: Int) -> JSON {
            (0..<depth).reduce(JSON.object([:])) { inner, _ in .object(["next": inner]) }
        }
        #expect(try registry.isValid(chain(200), against: Fixture.defaultID))
        let errors = try registry.validate(chain(5_000), against: Fixture.defaultID)
        #expect(errors.count == 1)
        #expect(errors.first?.message == "the value is nested too deeply to validate")
    }

    @Test func mutuallyRecursiveDocuments() throws {
        let a = #"{"$id": "https://x.example/a.json", "type": "object", "properties": {"b": {"$ref": "b.json"}}}"#
        let b = #"{"$id": "https://x.example/b.json", "type": "object", "properties": {"a": {"$ref": "a.json"}}}"#
        let registry = try Fixture.registry(a, b)
        #expect(try registry.isValid(try JSON.parse(#"{"b": {"a": {"b": {}}}}"#), against: "https://x.example/a.json"))
        #expect(try registry.validate(try JSON.parse(#"{"b": {"a": {"b": 1}}}"#), against: "https://x.example/a.json").map(\.path) == ["/b/a/b"])
    }

    @Test func dynamicRefResolvesStatically() throws {
        let schema = ##"{"$dynamicAnchor": "node", "properties": {"next": {"$dynamicRef": "#node"}, "v": {"type": "integer"}}}"##
        #expect(try Fixture.isValid(schema, #"{"next": {"next": {"v": 1}}}"#))
        #expect(try !Fixture.isValid(schema, #"{"next": {"next": {"v": "x"}}}"#))
    }

    @Test func urnAndTrailingHashIDs() throws {
        let registry = try Fixture.registry(
            ##"{"$id": "urn:uuid:deadbeef-1234-0000-0000-4321feebdaed#", "$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"}"##)
        #expect(try registry.isValid("x", against: "urn:uuid:deadbeef-1234-0000-0000-4321feebdaed"))
        #expect(try !registry.isValid(1, against: "urn:uuid:deadbeef-1234-0000-0000-4321feebdaed#"))
    }
}

import JSONKit
import JSONSchema
import Testing

/// Paths and messages of validation errors.
@Suite struct ErrorReportingTests {
    private func only(_ schema: String, _ instance: String) throws -> SchemaValidationError? {
        let errors = try Fixture.errors(schema, instance)
        #expect(errors.count == 1, "\(errors)")
        return errors.first
    }

    @Test func typeMismatch() throws {
        #expect(try only(#"{"type": "string"}"#, "5") == SchemaValidationError(path: "", message: "expected string, got integer"))
        #expect(try only(#"{"type": "integer"}"#, "5.5")?.message == "expected integer, got number")
        #expect(try only(#"{"type": ["string", "null"]}"#, "{}")?.message == "expected string or null, got object")
        #expect(try only(#"{"type": ["string", "integer", "null"]}"#, "true")?.message == "expected string, integer or null, got boolean")
    }

    @Test func enumAndConst() throws {
        #expect(try only(#"{"enum": ["a", "b"]}"#, #""x""#)?.message == #"'x' is not one of ["a", "b"]"#)
        #expect(try only(#"{"enum": [1, null]}"#, "2")?.message == "2 is not one of [1, null]")
        #expect(try only(#"{"const": "lead"}"#, #""deal""#)?.message == "must be 'lead'")
    }

    @Test func requiredNamesTheMissingProperty() throws {
        let schema = #"{"properties": {"fields": {"type": "object", "required": ["city", "zip"]}}}"#
        let errors = try Fixture.errors(schema, #"{"fields": {"zip": "1"}}"#)
        #expect(errors == [SchemaValidationError(path: "/fields/city", message: "required property 'city' is missing")])
    }

    @Test func unknownPropertyPath() throws {
        let schema = #"{"properties": {"fields": {"properties": {"a": {}}, "additionalProperties": false}}}"#
        let errors = try Fixture.errors(schema, #"{"fields": {"a": 1, "foo": 2, "bar": 3}}"#)
        #expect(errors == [
            SchemaValidationError(path: "/fields/bar", message: "unknown property 'bar'"),
            SchemaValidationError(path: "/fields/foo", message: "unknown property 'foo'"),
        ])
        let unevaluated = try Fixture.errors(#"{"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": false}"#, #"{"a": 1, "b": 2}"#)
        #expect(unevaluated == [SchemaValidationError(path: "/b", message: "unknown property 'b'")])
    }

    @Test func nestedArrayPath() throws {
        let schema = #"""
        {"properties": {"fields": {"properties": {"phones": {"items": {"properties": {"value": {"type": "string", "minLength": 3}}}}}}}}
        """#
        let errors = try Fixture.errors(schema, #"{"fields": {"phones": [{"value": "123"}, {"value": "1"}]}}"#)
        #expect(errors == [SchemaValidationError(path: "/fields/phones/1/value", message: "must be at least 3 characters long")])
    }

    @Test func pointerEscapingInPaths() throws {
        let errors = try Fixture.errors(#"{"additionalProperties": {"type": "integer"}}"#, #"{"a/b~c": "x"}"#)
        #expect(errors.map(\.path) == ["/a~1b~0c"])
    }

    @Test func collectsAllErrorsInPathOrder() throws {
        let schema = #"""
        {"type": "object", "required": ["name"], "properties": {
            "age": {"type": "integer", "minimum": 0}, "tags": {"items": {"type": "string"}}, "email": {"format": "email"}}}
        """#
        let errors = try Fixture.errors(schema, #"{"age": -1, "tags": ["a", 2, 3], "email": "nope"}"#)
        #expect(errors == [
            SchemaValidationError(path: "/age", message: "must be at least 0"),
            SchemaValidationError(path: "/email", message: "'nope' is not a valid email"),
            SchemaValidationError(path: "/name", message: "required property 'name' is missing"),
            SchemaValidationError(path: "/tags/1", message: "expected string, got integer"),
            SchemaValidationError(path: "/tags/2", message: "expected string, got integer"),
        ])
    }

    @Test func errorCountIsBounded() throws {
        let instance = "[" + Array(repeating: "\"x\"", count: 500).joined(separator: ",") + "]"
        let errors = try Fixture.errors(#"{"items": {"type": "integer"}}"#, instance)
        #expect(errors.count == SchemaRegistry.errorLimit)
    }

    @Test func anyOfReportsClosestBranch() throws {
        let schema = #"{"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 3}]}"#
        #expect(try only(schema, #""toolong""#) == SchemaValidationError(path: "", message: "must be at most 3 characters long"))
        #expect(try only(schema, "7")?.message == "expected string or null, got integer")
    }

    @Test func oneOfPrefersMatchingDiscriminator() throws {
        let schema = #"""
        {"oneOf": [
            {"properties": {"kind": {"const": "phone"}, "number": {"type": "string"}}, "required": ["kind", "number"]},
            {"properties": {"kind": {"const": "email"}, "address": {"format": "email"}}, "required": ["kind", "address"]}
        ]}
        """#
        let errors = try Fixture.errors(schema, #"{"kind": "email", "address": "no-at-sign"}"#)
        #expect(errors == [SchemaValidationError(path: "/address", message: "'no-at-sign' is not a valid email")])
    }

    @Test func oneOfMatchingTwice() throws {
        let error = try only(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "3")
        #expect(error?.message == "must match exactly one schema in 'oneOf', but matches more than one (branches 0 and 1)")
    }

    @Test func otherMessages() throws {
        #expect(try only(#"{"not": {"type": "string"}}"#, #""x""#)?.message == "must not match the schema in 'not'")
        #expect(try only(#"{"maximum": 10}"#, "11")?.message == "must be at most 10")
        #expect(try only(#"{"exclusiveMinimum": 0}"#, "0")?.message == "must be greater than 0")
        #expect(try only(#"{"multipleOf": 0.01}"#, "1.001")?.message == "must be a multiple of 0.01")
        #expect(try only(#"{"pattern": "^a"}"#, #""b""#)?.message == "'b' does not match the pattern '^a'")
        #expect(try only(#"{"minItems": 2}"#, "[1]")?.message == "must have at least 2 items")
        #expect(try only(#"{"maxProperties": 1}"#, #"{"a":1,"b":2}"#)?.message == "must have at most 1 property")
        #expect(try only(#"{"uniqueItems": true}"#, "[1, 2, 1.0]")?.message == "must not contain duplicates (items 0 and 2 are equal)")
        #expect(try only(#"{"contains": {"type": "string"}}"#, "[1]")?.message == "must contain at least 1 item matching the 'contains' schema")
        #expect(try only(#"{"prefixItems": [{}], "items": false}"#, "[1, 2]") == SchemaValidationError(path: "/1", message: "unexpected item (at most 1 item allowed)"))
        #expect(try only(#"{"dependentRequired": {"a": ["b"]}}"#, #"{"a": 1}"#) == SchemaValidationError(path: "/b", message: "property 'b' is required when 'a' is present"))
        #expect(try only(#"{"propertyNames": {"maxLength": 2}}"#, #"{"abc": 1}"#) == SchemaValidationError(path: "/abc", message: "invalid property name 'abc': must be at most 2 characters long"))
        #expect(try only(#"{"properties": {"a": false}}"#, #"{"a": 1}"#) == SchemaValidationError(path: "/a", message: "no value is allowed here"))
    }

    @Test func thenBranchErrorsAreReported() throws {
        let schema = #"{"if": {"properties": {"kind": {"const": "company"}}}, "then": {"required": ["inn"]}, "else": {"required": ["name"]}}"#
        #expect(try Fixture.errors(schema, #"{"kind": "company"}"#) == [SchemaValidationError(path: "/inn", message: "required property 'inn' is missing")])
        #expect(try Fixture.errors(schema, #"{"kind": "person"}"#) == [SchemaValidationError(path: "/name", message: "required property 'name' is missing")])
    }
}

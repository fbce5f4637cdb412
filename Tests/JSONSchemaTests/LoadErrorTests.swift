import JSONKit
import JSONSchema
import Testing

/// Schemas that are rejected when the registry is built.
@Suite struct LoadErrorTests {
    @Test(arguments: [
        #"{"type": 5}"#, #"{"type": "text"}"#, #"{"type": []}"#, #"{"type": ["string", "string"]}"#,
        #"{"required": "x"}"#, #"{"required": [1]}"#, #"{"pattern": "("}"#, #"{"patternProperties": {"[": {}}}"#,
        #"{"minLength": -1}"#, #"{"maxItems": 1.5}"#, #"{"minProperties": "1"}"#, #"{"multipleOf": 0}"#,
        #"{"multipleOf": -2}"#, #"{"maximum": "10"}"#, #"{"enum": "a"}"#, #"{"properties": []}"#,
        #"{"properties": {"a": 5}}"#, #"{"items": [{}]}"#, #"{"allOf": []}"#, #"{"anyOf": {}}"#, #"{"not": null}"#,
        #"{"uniqueItems": "yes"}"#, #"{"dependentRequired": {"a": "b"}}"#, #"{"$ref": 5}"#, #"{"$anchor": "1bad"}"#,
        #"{"$defs": {"a": {"$id": "x.json#frag"}}}"#, #"{"format": 1}"#, #"{"minContains": -1, "contains": {}}"#,
        #"{"$defs": {"x": {"type": {}}}}"#, ##"{"$ref": "#"}"##, ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}}"##,
    ])
    func rejectsInvalidSchema(_ text: String) {
        guard case .invalidSchema? = Fixture.loadError(text) else {
            Issue.record("accepted \(text): \(String(describing: Fixture.loadError(text)))")
            return
        }
    }

    @Test func errorNamesTheLocation() {
        let error = Fixture.loadError(#"{"properties": {"a": {"type": 5}}}"#)
        #expect(error == .invalidSchema(uri: "https://test.example/schema.json#/properties/a/type",
                                        reason: "'type' must be a type name or an array of type names"))
    }

    @Test func unresolvedReferences() {
        #expect(Fixture.loadError(##"{"$ref": "#/$defs/missing"}"##) == .unresolvedReference("https://test.example/schema.json#/$defs/missing"))
        #expect(Fixture.loadError(#"{"$ref": "other.json"}"#) == .unresolvedReference("https://test.example/other.json"))
        #expect(Fixture.loadError(##"{"$ref": "#nowhere"}"##) == .unresolvedReference("https://test.example/schema.json#nowhere"))
    }

    @Test func identifiersMustBeUniqueAndAbsolute() {
        #expect(Fixture.loadError(#"{"$id": "https://a.example/x.json"}"#, #"{"$id": "https://a.example/x.json"}"#)
            == .duplicateID("https://a.example/x.json"))
        #expect(Fixture.loadError(#"{"$defs": {"a": {"$id": "https://test.example/schema.json"}}}"#) == .duplicateID("https://test.example/schema.json"))
        #expect(Fixture.loadError(#"{"$defs": {"a": {"$anchor": "x"}, "b": {"$anchor": "x"}}}"#) == .duplicateID("https://test.example/schema.json#x"))
        guard case .invalidSchema? = Fixture.loadError(#"{"$id": "relative.json"}"#) else { Issue.record("relative $id accepted"); return }
        guard case .invalidSchema? = Fixture.loadError("true") else { Issue.record("document without $id accepted"); return }
    }

    @Test func unknownKeywordsAndAnnotationsAreAccepted() {
        #expect(Fixture.loadError(#"{"x-internal": {"type": 5}, "title": 1, "examples": "x", "$schema": "https://json-schema.org/draft/2020-12/schema"}"#) == nil)
    }
}

import JSONKit
import JSONSchema
import Testing

/// Every keyword against Python jsonschema's verdicts (see OracleCases.swift).
@Suite struct OracleTests {
    @Test func agreesWithReferenceImplementation() throws {
        #expect(oracleCases.count > 300)
        var registries: [String: SchemaRegistry] = [:]
        for (description, document, uri, instanceText, expected) in oracleCases {
            let registry: SchemaRegistry
            if let cached = registries[document] {
                registry = cached
            } else {
                registry = try SchemaRegistry(documents: [try JSON.parse(document)])
                registries[document] = registry
            }
            let instance = try JSON.parse(instanceText)
            let errors = try registry.validate(instance, against: uri)
            #expect(errors.isEmpty == expected, "\(description): \(instanceText) → \(errors)")
            #expect(try registry.isValid(instance, against: uri) == expected, "\(description): \(instanceText)")
        }
    }
}

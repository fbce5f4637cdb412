import CRM
@testable import CRMAPI
import Dispatch
import Foundation
import JSONKit
import JSONSchema
import Synchronization
import Testing

/// Schemas are compiled on a method's first call (issue 10: start-up compiled all of them).
@Suite struct LazySchemaTests {
    @Test func startUpCompilesNothingAndAFirstCallCompilesOnlyItsMethod() throws {
        let server = try InProcessServer()
        let handler = try CRMHandler(crm: server.crm)
        #expect(handler.schemas.compiledNodeCount == 0)
        let all = try SchemaRegistry(documents: EmbeddedSchemas.documents.map { try JSON.parse($0.text) })
        _ = try all.validate([:], against: "https://schemas.crmd.dev/methods/lead.get.json#/$defs/params")
        let everything = all.compiledNodeCount
        _ = try handler.schemas.validate(["id": 1], against: "https://schemas.crmd.dev/methods/lead.get.json#/$defs/params")
        let one = handler.schemas.compiledNodeCount
        #expect(one > 0 && one < everything / 4, "lead.get compiled \(one) of \(everything) nodes")
    }

    @Test func everyEmbeddedSchemaCompiles() throws {
        let registry = try SchemaRegistry(documents: EmbeddedSchemas.documents.map { try JSON.parse($0.text) }, compilation: .onFirstUse)
        try registry.compileAll()
        #expect(registry.compiledNodeCount > 0)
    }

    @Test func theFirstCallOfEachMethodIsRefusedWhenInvalid() throws {
        let server = try InProcessServer()
        #expect(try server.error("product.list", ["order": ["name": "sideways"]])["code"] == -32602)
        #expect(try server.error("user.get", ["id": "one"])["data"]?["errors"]?.arrayValue?.first?["path"] == "/id")
        #expect(try server.error("invoice.list", ["limit": 0])["code"] == -32602)
        #expect(try server.client.call("product.list", ["order": ["name": "asc"]])["items"] == [])
    }

    /// Many threads make the first call of the same methods at once: each compiles once and
    /// every call is judged as the schema says.
    @Test func concurrentFirstCallsAreAllValidated() throws {
        let server = try InProcessServer()
        let registry = try SchemaRegistry(documents: EmbeddedSchemas.documents.map { try JSON.parse($0.text) }, compilation: .onFirstUse)
        let methods = ["lead.get", "lead.list", "contact.list", "invoice.list", "product.add", "deal.update", "user.get", "field.add"]
        let schemas = methods.map { MethodSchema(method: $0, registry: registry) }
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for schema in schemas.shuffled() {
                let bad = (try? schema.paramsProblems(["unexpected": .int(Int64(worker))])) ?? []
                if bad.isEmpty { wrong.add(1, ordering: .relaxed) }
            }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(try schemas[0].paramsProblems(["id": 5]).isEmpty)
        _ = server
    }
}

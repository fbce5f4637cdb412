import Dispatch
import Foundation
import JSONKit
import JSONSchema
import Synchronization
import Testing

/// One registry shared by many threads, and a rough speed check.
@Suite struct ConcurrencyTests {
    static let schema = #"""
    {"$id": "https://crm.example/lead.json", "type": "object", "required": ["name", "funnel"], "additionalProperties": false,
     "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "funnel": {"type": "integer", "minimum": 1},
        "stage": {"type": "integer", "minimum": 1},
        "owner": {"type": ["integer", "null"]},
        "amount": {"type": "number", "minimum": 0, "multipleOf": 0.01},
        "currency": {"enum": ["RUB", "USD", "EUR"]},
        "email": {"type": "string", "format": "email"},
        "phone": {"type": "string", "pattern": "^\\+?[0-9]{5,15}$"},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 20},
        "created": {"type": "string", "format": "date"}}}
    """#
    static let instance = #"""
    {"name": "ACME Ltd", "funnel": 3, "stage": 12, "owner": null, "amount": 1250.50, "currency": "RUB",
     "email": "sales@acme.example", "phone": "+79001234567", "tags": ["vip", "b2b"], "created": "2024-05-01"}
    """#

    @Test func validatesFromManyThreads() throws {
        let registry = try SchemaRegistry(documents: [try JSON.parse(Self.schema)])
        let good = try JSON.parse(Self.instance)
        let bad = try JSON.parse(#"{"name": "", "funnel": 0, "x": 1}"#)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for _ in 0..<200 {
                let goodErrors = (try? registry.validate(good, against: "https://crm.example/lead.json")) ?? [.init(path: "?", message: "?")]
                let badErrors = (try? registry.validate(bad, against: "https://crm.example/lead.json")) ?? []
                if !goodErrors.isEmpty || badErrors.count != 3 { failures.add(1, ordering: .relaxed) }
            }
            _ = worker
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func validationIsFast() throws {
        let registry = try SchemaRegistry(documents: [try JSON.parse(Self.schema)])
        let instance = try JSON.parse(Self.instance)
        let iterations = 20_000
        let start = DispatchTime.now().uptimeNanoseconds
        var valid = 0
        for _ in 0..<iterations where try registry.validate(instance, against: "https://crm.example/lead.json").isEmpty {
            valid += 1
        }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations) / 1000
        print("validation of a 10-property object: \(String(format: "%.2f", perCall)) µs per call")
        #expect(valid == iterations)
        #expect(perCall < 200, "generous bound for debug builds on a busy machine")
    }
}

/// A registry made `.onFirstUse` compiles a schema when a validator for it is first asked for.
@Suite struct FirstUseCompilationTests {
    static let documents = [
        ##"{"$id": "https://crm.example/a.json", "type": "object", "properties": {"b": {"$ref": "b.json"}}, "required": ["b"]}"##,
        ##"{"$id": "https://crm.example/b.json", "type": "integer", "minimum": 1}"##,
        ##"{"$id": "https://crm.example/broken.json", "$ref": "#/$defs/missing"}"##,
        ##"{"$id": "https://crm.example/loop.json", "$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}}}"##,
    ]

    @Test func compilesWhatIsAskedForWithItsReferences() throws {
        let registry = try SchemaRegistry(documents: Self.documents.map { try JSON.parse($0) }, compilation: .onFirstUse)
        #expect(registry.compiledNodeCount == 0)
        #expect(try registry.validate(["b": 0], against: "https://crm.example/a.json").map(\.path) == ["/b"])
        #expect(try registry.isValid(["b": 2], against: "https://crm.example/a.json"))
        let count = registry.compiledNodeCount
        #expect(count > 0)
        _ = try registry.validator(at: "https://crm.example/b.json")
        #expect(registry.compiledNodeCount == count, "b.json was compiled with a.json")
    }

    @Test func aSchemaThatDoesNotCompileFailsAtItsFirstUseAndChangesNothing() throws {
        let registry = try SchemaRegistry(documents: Self.documents.map { try JSON.parse($0) }, compilation: .onFirstUse)
        _ = try registry.validator(at: "https://crm.example/a.json")
        let count = registry.compiledNodeCount
        #expect(throws: SchemaLoadError.unresolvedReference("https://crm.example/broken.json#/$defs/missing")) {
            try registry.validator(at: "https://crm.example/broken.json")
        }
        #expect(throws: SchemaLoadError.self) { try registry.validator(at: "https://crm.example/loop.json#/$defs/x") }
        #expect(throws: SchemaLoadError.self) { try registry.validator(at: "https://crm.example/loop.json#/$defs/x") }
        #expect(registry.compiledNodeCount == count)
        #expect(throws: SchemaLoadError.self) { try registry.compileAll() }
        #expect(throws: SchemaLoadError.self) { try SchemaRegistry(documents: Self.documents.map { try JSON.parse($0) }) }
    }

    @Test func manyThreadsAskingFirstGetTheSameVerdicts() throws {
        let registry = try SchemaRegistry(documents: Self.documents.prefix(2).map { try JSON.parse($0) }, compilation: .onFirstUse)
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            let uri = worker % 2 == 0 ? "https://crm.example/a.json" : "https://crm.example/b.json"
            let bad: JSON = worker % 2 == 0 ? ["b": "x"] : 0
            let good: JSON = worker % 2 == 0 ? ["b": 3] : 3
            guard let validator = try? registry.validator(at: uri), !validator.isValid(bad), validator.validate(good).isEmpty else {
                wrong.add(1, ordering: .relaxed)
                return
            }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
    }
}

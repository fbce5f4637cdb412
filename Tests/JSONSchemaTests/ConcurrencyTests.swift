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

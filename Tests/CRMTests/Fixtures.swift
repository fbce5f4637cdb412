import Foundation
import JSONKit
@testable import CRM

/// A CRM on a fresh database file in its own temporary directory, with a clock that stands still.
final class CRMFixture {
    let directory: URL
    let clock = ManualClock(1_795_000_000)
    let crm: CRM

    /// `local`: what crmd's config file would set (the sendmail program, import directories),
    /// given the fixture's directory.
    init(local: (URL) -> LocalConfiguration = { _ in LocalConfiguration() }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        crm = try CRM(path: directory.appendingPathComponent("crm.sqlite").path, clock: clock, synchronousFull: false,
                      local: local(directory))
    }

    deinit {
        crm.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Fields that satisfy the default NEW stage.
    static func completeLead(_ extra: [String: JSON] = [:]) -> [String: JSON] {
        var fields: [String: JSON] = [
            "title": "Монтаж видеонаблюдения", "name": "Иван", "lastName": "Петров",
            "phones": [["value": "8 (916) 123-45-67", "type": "MOBILE"]],
            "emails": [["value": "Ivan@Example.ru"]], "city": "Москва", "topic": "Видеонаблюдение",
        ]
        fields.merge(extra) { _, new in new }
        return fields
    }

    func addLead(_ extra: [String: JSON] = [:]) throws -> JSON {
        try crm.leads.add(fields: Self.completeLead(extra), idempotencyKey: nil, by: .user(1))
    }
}

extension JSON {
    var id: Int64 { self["id"]?.int64Value ?? -1 }
}

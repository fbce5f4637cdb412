import Foundation
import JSONKit
import Storage
import Testing
@testable import CRM

/// A record's reply written straight from its row is byte for byte what the record's JSON
/// gives when written, for every entity and field kind; a row the direct path does not vouch
/// for is read the slow way, with the same bytes or the same report of damage.
@Suite struct RecordEncoderTests {
    /// Whether the direct path took the row (without falling back).
    func directPathTakes(_ fixture: CRMFixture, _ type: EntityType, _ id: Int64) throws -> Bool {
        let entity = type.descriptor
        return try fixture.crm.pool.read { db in
            var out: [UInt8] = []
            return try db.withFirstRow(entity.encoder.selectByID, [.integer(id)]) { row in entity.encoder.write(try #require(row), into: &out) }
        }
    }

    func expectSameBytes(_ fixture: CRMFixture, _ type: EntityType, _ id: Int64, direct: Bool = true,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let service = fixture.crm.records(type)
        let encoded = String(decoding: try service.encoded(id).bytes, as: UTF8.self)
        let written = try service.get(id).text
        #expect(encoded == written, sourceLocation: sourceLocation)
        let taken = try directPathTakes(fixture, type, id)
        #expect(taken == direct, sourceLocation: sourceLocation)
    }

    @Test func everyEntityAndFieldKindWritesTheSameBytes() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        _ = try crm.customFields.add(entityType: .lead, code: "budget", title: "Бюджет", type: "money", multiple: false, options: [], by: .user(1))
        _ = try crm.customFields.add(entityType: .lead, code: "tags", title: "Метки", type: "string", multiple: true, options: [], by: .user(1))
        let lead = try fixture.addLead([
            "comments": "Строка 1\nСтрока 2\t«кавычки» \"quoted\" \\ back\u{1}slash 🦀", "clientType": "company",
            "phones": [["value": "+7 (900) 012-34-56", "type": "WORK"], ["value": "8 900 111-22-33", "type": "HOME"]],
            "requisites": ["inn": "7707083893", "kpp": "773601001"],
            "custom": ["budget": ["amount": "1500.50", "currency": "RUB"], "tags": ["а", "б\"в"]],
        ])
        try expectSameBytes(fixture, .lead, lead.id)
        let company = try crm.records(.company).add(fields: ["title": "ООО «Ромашка»", "isMyCompany": true, "companyType": "CUSTOMER",
                                                             "website": "https://romashka.example/?a=1&b=2"], idempotencyKey: nil, by: .user(1))
        try expectSameBytes(fixture, .company, company.id)
        let contact = try crm.records(.contact).add(fields: ["name": "Иван", "birthdate": "1990-05-01", "companyId": .int(company.id)],
                                                    idempotencyKey: nil, by: .user(1))
        try expectSameBytes(fixture, .contact, contact.id)
        let deal = try crm.records(.deal).add(fields: ["title": "Поставка", "opportunity": "123456.78", "contactId": .int(contact.id)],
                                              idempotencyKey: nil, by: .user(1))
        try expectSameBytes(fixture, .deal, deal.id)
        let product = try crm.records(.product).add(fields: ["name": "Камера", "price": "4990.00"], idempotencyKey: nil, by: .user(1))
        try expectSameBytes(fixture, .product, product.id)
    }

    @Test func jsonStoredInAnotherFormIsRewrittenAsTheSlowPathWritesIt() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        try fixture.crm.pool.write { db in
            try db.execute(#"UPDATE leads SET phones = '[ {"value": "+79000000001", "type": "WORK"} ]', custom = '{ }' WHERE id = ?"#,
                           [.integer(lead.id)])
        }
        try expectSameBytes(fixture, .lead, lead.id, direct: false)
        #expect(String(decoding: try fixture.crm.leads.encoded(lead.id).bytes, as: UTF8.self)
            .contains(#""phones":[{"type":"WORK","value":"+79000000001"}]"#))
    }

    @Test func textThatIsNotUTF8IsRepairedAsTheSlowPathRepairsIt() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        try fixture.crm.pool.write { db in
            try db.execute("UPDATE leads SET city = CAST(X'4DD0BFC0' AS TEXT) WHERE id = ?", [.integer(lead.id)])
        }
        try expectSameBytes(fixture, .lead, lead.id, direct: false)
    }

    @Test(arguments: [
        ("client_type = 'ALIEN'", "client_type"), ("stage_semantic = 'maybe'", "stage_semantic"), ("version = 'one'", "version"),
        ("phones = '{}'", "phones"), ("custom = '[]'", "custom"), ("city = X'4142'", "city"),
    ]) func damagedRowsAreReportedAsTheSlowPathReportsThem(_ assignment: String, _ mentioning: String) throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        try fixture.crm.pool.write { db in
            try db.execute("PRAGMA ignore_check_constraints = ON")
            try db.execute("UPDATE leads SET \(assignment) WHERE id = ?", [.integer(lead.id)])
        }
        let slow = #expect(throws: StoredDataError.self) { try fixture.crm.leads.get(lead.id) }
        let direct = #expect(throws: StoredDataError.self) { try fixture.crm.leads.encoded(lead.id) }
        #expect(slow?.description == direct?.description)
        #expect(direct?.description.contains(mentioning) == true, "\(direct?.description ?? "")")
    }

    @Test func aMissingRecordIsNotFound() throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.notFound("lead", 404)) { try fixture.crm.leads.encoded(404) }
    }
}

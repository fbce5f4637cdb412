import JSONKit
import Testing
@testable import CRM

@Suite struct RequisiteTests {
    func company(_ fixture: CRMFixture) throws -> JSON {
        try fixture.crm.records(.company).add(fields: ["title": "Ромашка"], idempotencyKey: nil, by: .user(1))
    }

    func add(_ fixture: CRMFixture, _ owner: JSON, _ preset: String, _ fields: [String: JSON]) throws -> JSON {
        try fixture.crm.requisites.add(.init(entityType: .company, entityID: owner.id, preset: preset, name: nil, fields: fields,
                                             lookup: false, renameEntity: nil), by: .user(1))
    }

    @Test func checksumsAreEnforcedPerPreset() throws {
        let fixture = try CRMFixture()
        let owner = try company(fixture)
        let legal = try add(fixture, owner, "legal", ["inn": "7736207543", "kpp": "773601001", "ogrn": "1027700229193", "shortName": "ООО «Яндекс»"])
        #expect(legal["fields"]?["kpp"] == "773601001")
        #expect(legal["source"] == "manual")
        #expect(throws: CRMError.invalidValue(field: "inn", reason: "checksum", message: "inn '1234567895' fails the checksum check")) {
            try add(fixture, owner, "legal", ["inn": "1234567895"])
        }
        #expect(throws: CRMError.self) { try add(fixture, owner, "legal", ["inn": "500100732259"]) }
        #expect(throws: CRMError.self) { try add(fixture, owner, "ip", ["inn": "500100732259", "kpp": "773601001"]) }
        #expect(throws: CRMError.self) { try add(fixture, owner, "ip", ["inn": "500100732259", "ogrnip": "304500116000154"]) }
        _ = try add(fixture, owner, "ip", ["inn": "500100732259", "ogrnip": "304500116000157"])
        #expect(throws: CRMError.self) { try add(fixture, owner, "legal", ["ogrn": "1027700132194"]) }
        #expect(throws: CRMError.self) { try add(fixture, owner, "legal", ["colour": "green"]) }
        #expect(try fixture.crm.requisites.list(entityType: .company, entityID: owner.id)["items"]?.arrayValue?.count == 2)
    }

    @Test func bankAccountsAreKeyedAgainstTheBIK() throws {
        let fixture = try CRMFixture()
        let requisite = try add(fixture, try company(fixture), "legal", ["inn": "7707083893"])
        let bank = try fixture.crm.bankDetails.add(requisiteID: requisite.id, fields: [
            "bik": "044030653", "corrAccount": "30101810500000000653", "account": "40702810955230165464", "bankName": "Северо-Западный банк",
        ], by: .user(1))
        #expect(bank["account"] == "40702810955230165464")
        #expect(throws: CRMError.self) {
            try fixture.crm.bankDetails.add(requisiteID: requisite.id, fields: ["bik": "044030653", "account": "40702810955230165465"], by: .user(1))
        }
        #expect(throws: CRMError.self) {
            try fixture.crm.bankDetails.update(id: bank.id, fields: ["corrAccount": "30101810400000000225"], by: .user(1))
        }
        #expect(try fixture.crm.requisites.get(requisite.id)["bankDetails"]?.arrayValue?.count == 1)
        _ = try fixture.crm.requisites.delete(requisite.id, by: .user(1))
        #expect(throws: CRMError.notFound("bankDetail", bank.id)) { try fixture.crm.bankDetails.update(id: bank.id, fields: [:], by: .user(1)) }
    }

    @Test func leadRequisitesAreCheckedToo() throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.invalidValue(field: "requisites.inn", reason: "checksum", message: "inn '7736207544' fails the checksum check")) {
            try fixture.addLead(["requisites": ["inn": "7736207544"]])
        }
        #expect(try fixture.addLead(["requisites": ["inn": "7736207543", "kpp": ""]])["requisites"] == ["inn": "7736207543"])
    }
}

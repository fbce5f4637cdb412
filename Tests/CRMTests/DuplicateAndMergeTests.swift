import JSONKit
import Testing
@testable import CRM

@Suite struct DuplicateAndMergeTests {
    func keys(phones: [String] = [], emails: [String] = [], inn: String? = nil, title: String? = nil) -> DuplicateService.Keys {
        var keys = DuplicateService.Keys()
        keys.phones = phones
        keys.emails = emails
        keys.inn = inn
        keys.title = title
        return keys
    }

    func ids(_ result: JSON) -> [Int64] { result["items"]?.arrayValue?.map(\.id) ?? [] }

    @Test func findsByEveryKeyHoweverItWasTyped() throws {
        let fixture = try CRMFixture()
        let contacts = fixture.crm.records(.contact)
        let ivan = try contacts.add(fields: ["name": "Иван", "lastName": "Петров", "phones": [["value": "8 (916) 123-45-67"]],
                                             "emails": [["value": "Ivan@Example.ru"]]], idempotencyKey: nil, by: .user(1))
        _ = try contacts.add(fields: ["name": "Пётр", "lastName": "Иванов"], idempotencyKey: nil, by: .user(1))
        #expect(ids(try fixture.crm.duplicates.find(.contact, keys(phones: ["+79161234567"]))) == [ivan.id])
        #expect(ids(try fixture.crm.duplicates.find(.contact, keys(emails: [" ivan@EXAMPLE.ru "]))) == [ivan.id])
        #expect(ids(try fixture.crm.duplicates.find(.contact, keys(title: "петров иван"))) == [ivan.id])
        let both = try fixture.crm.duplicates.find(.contact, keys(phones: ["9161234567"], emails: ["ivan@example.ru"]))
        #expect(both["items"]?.arrayValue?.first?["matchedBy"]?.arrayValue?.count == 2)
        #expect(both["items"]?.arrayValue?.first?["title"] == "Петров Иван")
        #expect(ids(try fixture.crm.duplicates.find(.contact, keys(phones: ["+79160000000"]))) == [])

        let companies = fixture.crm.records(.company)
        let romashka = try companies.add(fields: ["title": "ООО «Ромашка»"], idempotencyKey: nil, by: .user(1))
        #expect(ids(try fixture.crm.duplicates.find(.company, keys(title: "\"Ромашка\" ооо"))) == [romashka.id])
        #expect(ids(try fixture.crm.duplicates.find(.company, keys(title: "Общество с ограниченной ответственностью РОМАШКА"))) == [romashka.id])
        _ = try fixture.crm.requisites.add(.init(entityType: .company, entityID: romashka.id, preset: "legal", name: nil,
                                                 fields: ["inn": "7736207543"], lookup: false, renameEntity: nil), by: .user(1))
        #expect(ids(try fixture.crm.duplicates.find(.company, keys(inn: "7736207543"))) == [romashka.id])
        #expect(throws: CRMError.self) { try fixture.crm.duplicates.find(.deal, keys(title: "x")) }
    }

    @Test func mergeMovesEverythingAndFillsTheGaps() throws {
        let fixture = try CRMFixture()
        let companies = fixture.crm.records(.company)
        let target = try companies.add(fields: ["title": "Ромашка", "phones": [["value": "+7 495 000-00-01"]]], idempotencyKey: nil, by: .user(1))
        let source = try companies.add(fields: ["title": "ООО Ромашка", "industry": "Торговля", "website": "https://romashka.ru",
                                                "phones": [["value": "8 495 000 00 01"], ["value": "+7 495 000-00-02"]]],
                                       idempotencyKey: nil, by: .user(1))
        let contact = try fixture.crm.records(.contact).add(fields: ["name": "Анна", "companyId": .int(source.id)], idempotencyKey: nil, by: .user(1))
        let deal = try fixture.crm.records(.deal).add(fields: ["title": "Сделка", "companyId": .int(source.id)], idempotencyKey: nil, by: .user(1))
        let requisite = try fixture.crm.requisites.add(.init(entityType: .company, entityID: source.id, preset: "legal", name: nil,
                                                             fields: ["inn": "7707083893"], lookup: false, renameEntity: nil), by: .user(1))
        _ = try fixture.crm.timeline.comment(entityType: .company, id: source.id, text: "старый комментарий", by: .user(1))

        let merged = try fixture.crm.merges.merge(.company, targetID: target.id, sourceIDs: [source.id], by: .user(1))
        #expect(merged["title"] == "Ромашка")
        #expect(merged["industry"] == "Торговля")
        #expect(merged["website"] == "https://romashka.ru")
        #expect(merged["phones"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["+7 495 000-00-01", "+7 495 000-00-02"])
        #expect(merged["version"] == 2)
        #expect(try fixture.crm.records(.contact).get(contact.id)["companyId"] == .int(target.id))
        #expect(try fixture.crm.records(.deal).get(deal.id)["companyId"] == .int(target.id))
        #expect(try fixture.crm.requisites.get(requisite.id)["entityId"] == .int(target.id))
        #expect(throws: CRMError.notFound("company", source.id)) { try companies.get(source.id) }
        let history = try fixture.crm.timeline.list(entityType: .company, id: target.id, limit: 50, cursor: nil)["items"]?.arrayValue ?? []
        #expect(history.first?["type"] == "merged")
        #expect(history.contains { $0["data"]?["text"] == "старый комментарий" })
        var keys = DuplicateService.Keys()
        keys.inn = "7707083893"
        #expect(ids(try fixture.crm.duplicates.find(.company, keys)) == [target.id])
    }

    @Test func mergeRefusesItselfAndUnknownRecordsAndChangesNothing() throws {
        let fixture = try CRMFixture()
        let a = try fixture.crm.records(.contact).add(fields: ["name": "А"], idempotencyKey: nil, by: .user(1))
        #expect(throws: CRMError.self) { try fixture.crm.merges.merge(.contact, targetID: a.id, sourceIDs: [a.id], by: .user(1)) }
        #expect(throws: CRMError.notFound("contact", 99)) { try fixture.crm.merges.merge(.contact, targetID: a.id, sourceIDs: [99], by: .user(1)) }
        #expect(throws: CRMError.self) { try fixture.crm.merges.merge(.lead, targetID: a.id, sourceIDs: [2], by: .user(1)) }
        #expect(try fixture.crm.records(.contact).get(a.id) == a)
    }
}

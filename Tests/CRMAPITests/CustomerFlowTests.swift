import CRMAPI
import Foundation
import JSONKit
import Testing

/// S8–S17 through the API: customers, conversion with its refusals, merges, deals; every
/// result checked against its schema by the server.
@Suite struct CustomerFlowTests {
    static func lead(_ extra: [String: JSON]) -> JSON {
        guard case .object(var fields) = InProcessServer.completeLead else { return .null }
        for (key, value) in extra { fields[key] = value }
        return ["fields": .object(fields)]
    }

    @Test func conversionRefusalsCarryWhatTheCallerMustDecide() throws {
        let server = try InProcessServer()
        let c = server.client
        _ = try c.call("field.add", ["entityType": "lead", "code": "area", "title": "Площадь", "type": "decimal"])
        let existing = try c.call("contact.add", ["fields": ["name": "Иван", "phones": [["value": "8 916 123 45 67"]]]])
        let lead = try c.call("lead.add", Self.lead(["clientType": "company", "companyTitle": "ООО Ромашка",
                                                     "requisites": ["inn": "7736207543"], "custom": ["area": "50"]]))
        let id = lead["id"]!
        let missing = try server.error("lead.convert", ["id": id])
        #expect(missing["code"] == 1004)
        #expect(missing["data"] == ["fields": [["field": "custom.area", "title": "Площадь", "type": "decimal",
                                                "missingIn": ["deal", "contact", "company"]]]])
        let duplicates = try server.error("lead.convert", ["id": id, "createMissingFields": true])
        #expect(duplicates["code"] == 1003)
        #expect(duplicates["data"]?["contact"]?.arrayValue?.first?["id"] == existing["id"])
        #expect(duplicates["data"]?["company"] == [])
        #expect(try c.call("field.list", ["entityType": "deal"])["items"] == [])
        let result = try c.call("lead.convert", ["id": id, "createMissingFields": true, "contact": ["action": "use", "id": existing["id"]!]])
        let deal = try c.call("deal.get", ["id": result["dealId"]!])
        #expect(deal["custom"] == ["area": "50"])
        #expect(deal["contactId"] == existing["id"])
        let company = try c.call("company.get", ["id": result["companyId"]!])
        #expect(company["title"] == "ООО Ромашка")
        let requisites = try c.call("requisite.list", ["entityType": "company", "entityId": result["companyId"]!])
        #expect(requisites["items"]?.arrayValue?.first?["fields"]?["inn"] == "7736207543")
        #expect(try server.error("lead.convert", ["id": id])["data"]?["reason"] == "converted")
        let found = try c.call("duplicate.find", ["entityType": "company", "inn": "7736207543"])
        #expect(found["items"]?.arrayValue?.first?["matchedBy"] == [["key": "inn", "value": "7736207543"]])
    }

    @Test func companiesMergeAndDealsMoveThroughTheirFunnel() throws {
        let server = try InProcessServer()
        let c = server.client
        let a = try c.call("company.add", ["fields": ["title": "Ромашка", "isMyCompany": false]])
        let b = try c.call("company.add", ["fields": ["title": "ООО «Ромашка»", "website": "https://romashka.ru"]])
        let deal = try c.call("deal.add", ["fields": ["title": "Камеры", "companyId": b["id"]!, "opportunity": "1200.5"]])
        #expect(deal["opportunity"] == "1200.50")
        let merged = try c.call("company.merge", ["targetId": a["id"]!, "sourceIds": [b["id"]!]])
        #expect(merged["website"] == "https://romashka.ru")
        #expect(try c.call("deal.get", ["id": deal["id"]!])["companyId"] == a["id"])
        #expect(try server.error("company.merge", ["targetId": a["id"]!, "sourceIds": [a["id"]!]])["code"] == 1007)
        let refused = try server.error("deal.update", ["id": deal["id"]!, "fields": ["stageId": "CONTRACT_SIGNED"]])
        #expect(refused["data"]?["missing"] == [["field": "contractNumber", "title": "Номер договора"],
                                                ["field": "contractDate", "title": "Дата договора"]])
        let signed = try c.call("deal.update", ["id": deal["id"]!, "fields": ["stageId": "CONTRACT_SIGNED", "contractNumber": "15",
                                                                             "contractDate": "2026-03-01"]])
        #expect(signed["stageId"] == "CONTRACT_SIGNED")
        let rules = try c.call("automation.list", ["entityType": "deal"])
        #expect(rules["items"]?.arrayValue?.count == 1)
        let rule = try c.call("automation.add", ["entityType": "deal", "stageId": "WON", "trigger": "enter",
                                                 "action": ["type": "comment", "text": "Сделка {{deal.title}} выиграна"]])
        _ = try c.call("automation.update", ["id": rule["id"]!, "title": "Поздравление"])
        _ = try c.call("deal.update", ["id": deal["id"]!, "fields": ["stageId": "WON"]])
        let timeline = try c.call("timeline.list", ["entityType": "deal", "id": deal["id"]!, "limit": 1])
        #expect(timeline["items"]?.arrayValue?.first?["data"]?["text"] == "Сделка Камеры выиграна")
        #expect(try c.call("automation.delete", ["id": rule["id"]!])["deleted"] == true)
        let bank = try server.error("bankDetail.add", ["requisiteId": 99, "fields": ["bik": "044525225", "account": "40702810400000000225"]])
        #expect(bank["code"] == 1002)
    }
}

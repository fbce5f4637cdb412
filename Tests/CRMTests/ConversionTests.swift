import JSONKit
import Testing
@testable import CRM

@Suite struct ConversionTests {
    func consentedLead(_ fixture: CRMFixture, _ extra: [String: JSON] = [:]) throws -> JSON {
        try fixture.addLead(extra.merging(["stageId": "CONSENT"]) { given, _ in given })
    }

    @Test func aPrivatePersonBecomesDealAndContactS9() throws {
        let fixture = try CRMFixture()
        let lead = try consentedLead(fixture, ["clientType": "person", "comments": "Частный дом"])
        let result = try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
        #expect(result["companyId"] == .null)
        let deal = try fixture.crm.records(.deal).get(result["dealId"]?.int64Value ?? 0)
        let contact = try fixture.crm.records(.contact).get(result["contactId"]?.int64Value ?? 0)
        #expect(deal["title"] == lead["title"])
        #expect(deal["comments"] == "Частный дом")
        #expect(deal["contactId"] == result["contactId"])
        #expect(deal["leadId"] == .int(lead.id))
        #expect(contact["phones"] == lead["phones"])
        #expect(contact["lastName"] == "Петров")
        let converted = try fixture.crm.leads.get(lead.id)
        #expect(converted["stageId"] == "CONVERTED")
        #expect(converted["convertedAt"] != .null)
        #expect(throws: CRMError.conflict(reason: "converted", details: ["entityType": "lead", "id": .int(lead.id)])) {
            try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
        }
        #expect(throws: CRMError.self) { try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь"], expectedVersion: nil, by: .user(1)) }
    }

    @Test func aSoleProprietorBecomesDealContactAndCompanyWithRequisites() throws {
        let fixture = try CRMFixture()
        let lead = try consentedLead(fixture, ["clientType": "ip", "companyTitle": "ИП Петров",
                                               "requisites": ["inn": "500100732259", "ogrnip": "304500116000157"]])
        let result = try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
        let companyID = try #require(result["companyId"]?.int64Value)
        #expect(try fixture.crm.records(.company).get(companyID)["title"] == "ИП Петров")
        #expect(try fixture.crm.records(.contact).get(result["contactId"]?.int64Value ?? 0)["companyId"] == .int(companyID))
        let requisites = try fixture.crm.requisites.list(entityType: .company, entityID: companyID)["items"]?.arrayValue ?? []
        #expect(requisites.map { $0["preset"] } == ["ip"])
        #expect(requisites.first?["fields"]?["ogrnip"] == "304500116000157")
        let dealTimeline = try fixture.crm.timeline.list(entityType: .deal, id: result["dealId"]?.int64Value ?? 0, limit: 10, cursor: nil)
        #expect(dealTimeline["items"]?.arrayValue?.contains { $0["type"] == "comment" } == true)
    }

    @Test func missingTargetFieldsAreReportedThenCreatedS10() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "area", title: "Площадь", type: "decimal", multiple: false, options: [], by: .user(1))
        _ = try fixture.crm.customFields.add(entityType: .deal, code: "area", title: "Площадь", type: "decimal", multiple: false, options: [], by: .user(1))
        let lead = try consentedLead(fixture, ["clientType": "company", "companyTitle": "Ромашка", "custom": ["area": "120.5"]])
        #expect(throws: CRMError.fieldsMissingInTarget(fields: [
            ["field": "custom.area", "title": "Площадь", "type": "decimal", "missingIn": ["contact", "company"]],
        ])) {
            try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
        }
        #expect(try fixture.crm.records(.deal).list(ListRequest())["items"] == [])
        var request = ConversionRequest(leadID: lead.id)
        request.createMissingFields = true
        let result = try fixture.crm.conversion.convert(request, by: .user(1))
        #expect(result["createdFields"] == [["field": "custom.area", "entityType": "contact"], ["field": "custom.area", "entityType": "company"]])
        #expect(try fixture.crm.records(.company).get(result["companyId"]?.int64Value ?? 0)["custom"] == ["area": "120.5"])
        #expect(try fixture.crm.records(.deal).get(result["dealId"]?.int64Value ?? 0)["custom"] == ["area": "120.5"])
    }

    @Test func duplicatesWaitForADecisionS11S12() throws {
        let fixture = try CRMFixture()
        let existing = try fixture.crm.records(.contact).add(fields: ["name": "Иван", "phones": [["value": "+79161234567"]]],
                                                             idempotencyKey: nil, by: .user(1))
        let company = try fixture.crm.records(.company).add(fields: ["title": "ООО Ромашка"], idempotencyKey: nil, by: .user(1))
        let lead = try consentedLead(fixture, ["companyTitle": "Ромашка"])
        do {
            _ = try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
            Issue.record("converted without a decision")
        } catch CRMError.duplicatesFound(let matches) {
            #expect(matches["contact"]?.arrayValue?.map(\.id) == [existing.id])
            #expect(matches["contact"]?.arrayValue?.first?["matchedBy"] == [["key": "phone", "value": "8 (916) 123-45-67"]])
            #expect(matches["company"]?.arrayValue?.map(\.id) == [company.id])
        }
        #expect(try fixture.crm.leads.get(lead.id)["stageId"] == "CONSENT")
        var request = ConversionRequest(leadID: lead.id)
        request.contact = .merge(existing.id)
        request.company = .use(company.id)
        let result = try fixture.crm.conversion.convert(request, by: .user(1))
        #expect(result["contactId"] == .int(existing.id))
        #expect(result["companyId"] == .int(company.id))
        let merged = try fixture.crm.records(.contact).get(existing.id)
        #expect(merged["lastName"] == "Петров")
        #expect(merged["name"] == "Иван")
        #expect(merged["emails"]?.arrayValue?.count == 1)
        #expect(merged["companyId"] == .int(company.id))
        #expect(try fixture.crm.records(.contact).list(ListRequest())["items"]?.arrayValue?.count == 1)
    }

    @Test func aRefusedDealLeavesNothingHalfConverted() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .deal, code: "site", title: "Адрес объекта", type: "address", multiple: false,
                                             options: [], required: true, by: .user(1))
        let lead = try consentedLead(fixture, ["clientType": "company", "companyTitle": "Ромашка"])
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "deal", id: nil, stageId: "NEW",
                                                       missing: [MissingField(field: "custom.site", title: "Адрес объекта")])) {
            try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1))
        }
        #expect(try fixture.crm.records(.contact).list(ListRequest())["items"] == [])
        #expect(try fixture.crm.records(.company).list(ListRequest())["items"] == [])
        #expect(try fixture.crm.leads.get(lead.id) == lead)
        var request = ConversionRequest(leadID: lead.id)
        request.dealFields = ["custom": ["site": "Тверская, 1"]]
        let result = try fixture.crm.conversion.convert(request, by: .user(1))
        #expect(try fixture.crm.records(.deal).get(result["dealId"]?.int64Value ?? 0)["custom"] == ["site": "Тверская, 1"])
    }
}

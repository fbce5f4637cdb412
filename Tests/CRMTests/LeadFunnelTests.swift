import JSONKit
import Testing
@testable import CRM

@Suite struct LeadFunnelTests {
    @Test func addRequiresTheFirstStageFieldsS2() throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "lead", id: nil, stageId: "NEW", missing: [
            MissingField(field: "phones", title: "Телефон"), MissingField(field: "emails", title: "E-mail"),
            MissingField(field: "city", title: "Город"), MissingField(field: "topic", title: "Интересующая тема"),
        ])) {
            try fixture.crm.leads.add(fields: ["title": "Звонок"], idempotencyKey: nil, by: .user(1))
        }
        let page = try fixture.crm.leads.list(ListRequest())
        #expect(page["items"] == [])
    }

    @Test func newLeadCarriesEveryField() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        #expect(lead["stageId"] == "NEW")
        #expect(lead["stageSemantic"] == "process")
        #expect(lead["pipelineId"] == 1)
        #expect(lead["version"] == 1)
        #expect(lead["createdBy"] == 1)
        #expect(lead["createdAt"] == "2026-11-18T11:06:40Z")
        #expect(lead["phones"] == [["value": "8 (916) 123-45-67", "type": "MOBILE"]])
        #expect(lead["emails"] == [["value": "Ivan@Example.ru", "type": "WORK"]])
        #expect(lead["comments"] == .null)
        #expect(lead["custom"] == .object([:]))
        #expect(try fixture.crm.leads.get(lead.id) == lead)
    }

    @Test func movesThroughStagesAndMaySkipS3() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        let moved = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION"], expectedVersion: 1, by: .user(1))
        #expect(moved["stageId"] == "QUALIFICATION")
        #expect(moved["version"] == 2)
        let skipped = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "CONSENT"], expectedVersion: nil, by: .user(1))
        #expect(skipped["stageId"] == "CONSENT")
        let timeline = try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)
        let types = timeline["items"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["stageChanged", "stageChanged", "created"])
        #expect(timeline["items"]?.arrayValue?.first?["data"] == ["from": "QUALIFICATION", "to": "CONSENT"])
    }

    @Test func refusedMoveListsMissingFieldsAndChangesNothingS4() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "site_address", title: "Адрес объекта", type: "address",
                                             multiple: false, options: [], by: .user(1))
        _ = try fixture.crm.pipelines.updateStage(pipelineID: 1, stageID: "MEETING_SCHEDULED", title: nil, sort: nil, semantic: nil,
                                                  requiredFields: ["custom.site_address", "source"], by: .user(1))
        let lead = try fixture.addLead()
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "lead", id: lead.id, stageId: "CONSENT", missing: [
            MissingField(field: "custom.site_address", title: "Адрес объекта"), MissingField(field: "source", title: "Источник"),
        ])) {
            // CONSENT is later than MEETING_SCHEDULED, so jumping there skips no requirement.
            try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "CONSENT", "comments": "готов"], expectedVersion: nil, by: .user(1))
        }
        #expect(try fixture.crm.leads.get(lead.id) == lead)
        let timeline = try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)
        #expect(timeline["items"]?.arrayValue?.count == 1)
        // Giving up on the lead asks nothing of the earlier stages.
        let junk = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "JUNK"], expectedVersion: nil, by: .user(1))
        #expect(junk["stageSemantic"] == "failure")
        // Filling the fields in the same call as the move is enough.
        let moved = try fixture.crm.leads.update(id: lead.id, fields: [
            "stageId": "CONSENT", "source": "Сайт", "custom": ["site_address": "Тверская, 1"],
        ], expectedVersion: nil, by: .user(1))
        #expect(moved["stageId"] == "CONSENT")
        #expect(moved["custom"] == ["site_address": "Тверская, 1"])
    }

    @Test func staleVersionIsAConflict() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь"], expectedVersion: 1, by: .user(1))
        #expect(throws: CRMError.conflict(reason: "version", details: ["currentVersion": 2, "expectedVersion": 1])) {
            try fixture.crm.leads.update(id: lead.id, fields: ["city": "Казань"], expectedVersion: 1, by: .user(1))
        }
    }

    @Test func idempotencyKeyReturnsTheFirstRecord() throws {
        let fixture = try CRMFixture()
        let first = try fixture.crm.leads.add(fields: CRMFixture.completeLead(), idempotencyKey: "form-17", by: .user(1))
        let again = try fixture.crm.leads.add(fields: CRMFixture.completeLead(["city": "Тверь"]), idempotencyKey: "form-17", by: .user(1))
        #expect(again == first)
        #expect(try fixture.crm.leads.list(ListRequest())["items"]?.arrayValue?.count == 1)
    }

    @Test func updatesRecordOldAndNewValues() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        fixture.clock.advance(by: 60)
        let updated = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь", "comments": "перезвонить"], expectedVersion: nil, by: .user(1))
        #expect(updated["updatedAt"] == "2026-11-18T11:07:40Z")
        let entry = try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 1, cursor: nil)["items"]?.arrayValue?.first
        #expect(entry?["type"] == "updated")
        #expect(entry?["data"] == ["changes": [
            ["field": "city", "old": "Москва", "new": "Тверь"], ["field": "comments", "old": .null, "new": "перезвонить"],
        ]])
        // A call that changes nothing changes no version.
        let same = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь"], expectedVersion: nil, by: .user(1))
        #expect(same["version"] == 2)
    }

    @Test func unknownStageAndUserAreInvalidValues() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        #expect(throws: CRMError.self) { try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "NOPE"], expectedVersion: nil, by: .user(1)) }
        #expect(throws: CRMError.invalidValue(field: "assignedTo", reason: "unknownUser", message: "no user with id 99")) {
            try fixture.crm.leads.update(id: lead.id, fields: ["assignedTo": 99], expectedVersion: nil, by: .user(1))
        }
        #expect(throws: CRMError.notFound("lead", 999)) { try fixture.crm.leads.get(999) }
    }

    @Test func deleteRemovesTheRecordAndKeepsItsHistory() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        #expect(try fixture.crm.leads.delete(id: lead.id, by: .user(1)) == ["id": .int(lead.id), "deleted": true])
        #expect(throws: CRMError.notFound("lead", lead.id)) { try fixture.crm.leads.get(lead.id) }
        var request = ListRequest()
        request.filter = ["phones": "+79161234567"]
        #expect(try fixture.crm.leads.list(request)["items"] == [])
    }

    @Test func customPipelineStagesAndRequirementsCascade() throws {
        let fixture = try CRMFixture()
        let pipeline = try fixture.crm.pipelines.add(entityType: .lead, title: "Партнёры", stages: nil, by: .user(1))
        let pipelineID = pipeline.id
        let stages = pipeline["stages"]?.arrayValue ?? []
        #expect(stages.map { $0["semantic"] } == ["process", "success", "failure"])
        let withStage = try fixture.crm.pipelines.addStage(pipelineID: pipelineID, input: .init(
            id: "PARTNER_CHECK", title: "Проверка", semantic: .process, sort: 15, requiredFields: ["source"]), by: .user(1))
        #expect(withStage["stages"]?.arrayValue?.map { $0["id"] }.contains("PARTNER_CHECK") == true)
        _ = try fixture.crm.pipelines.addStage(pipelineID: pipelineID, input: .init(
            id: "PARTNER_READY", title: "Готов", semantic: .process, sort: 18, requiredFields: nil), by: .user(1))
        let lead = try fixture.addLead()
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "lead", id: lead.id, stageId: "PARTNER_READY",
                                                       missing: [MissingField(field: "source", title: "Источник")])) {
            try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "PARTNER_READY"], expectedVersion: nil, by: .user(1))
        }
        #expect(throws: CRMError.invalidValue(field: "stageId", reason: "convertRequired", message: "a lead is converted with lead.convert")) {
            try fixture.crm.leads.update(id: lead.id, fields: ["stageId": .string(stages[1]["id"]?.stringValue ?? "")], expectedVersion: nil, by: .user(1))
        }
        let moved = try fixture.crm.leads.update(id: lead.id, fields: ["pipelineId": .int(pipelineID)], expectedVersion: nil, by: .user(1))
        #expect(moved["stageId"] == stages[0]["id"])
        #expect(throws: CRMError.conflict(reason: "exists", details: ["stageId": "NEW"])) {
            try fixture.crm.pipelines.addStage(pipelineID: pipelineID, input: .init(id: "NEW", title: "x", semantic: nil, sort: nil, requiredFields: nil), by: .user(1))
        }
        #expect(throws: CRMError.self) {
            try fixture.crm.pipelines.updateStage(pipelineID: 1, stageID: "NEW", title: nil, sort: nil, semantic: nil, requiredFields: ["nope"], by: .user(1))
        }
    }
}

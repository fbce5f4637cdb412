import JSONKit
import Testing
@testable import CRM

@Suite struct CustomerTests {
    @Test func dealsStartInTheirFunnelWithTheNextStepsRobotS13() throws {
        let fixture = try CRMFixture()
        let company = try fixture.crm.records(.company).add(fields: ["title": "ООО «Ромашка»"], idempotencyKey: nil, by: .user(1))
        #expect(company["isMyCompany"] == false)
        let contact = try fixture.crm.records(.contact).add(fields: [
            "name": "Иван", "lastName": "Петров", "phones": [["value": "+7 916 123-45-67"]], "companyId": .int(company.id),
        ], idempotencyKey: nil, by: .user(1))
        let deal = try fixture.crm.records(.deal).add(fields: [
            "title": "Видеонаблюдение на складе", "contactId": .int(contact.id), "companyId": .int(company.id), "opportunity": "150000",
        ], idempotencyKey: nil, by: .user(1))
        #expect(deal["stageId"] == "NEW")
        #expect(deal["currency"] == "RUB")
        #expect(deal["opportunity"] == "150000.00")
        let comment = try fixture.crm.timeline.list(entityType: .deal, id: deal.id, limit: 5, cursor: nil)["items"]?.arrayValue?
            .first { $0["type"] == "comment" }
        let text = comment?["data"]?["text"]?.stringValue ?? ""
        #expect(text.contains("«Видеонаблюдение на складе»"))
        #expect(text.contains("ООО «Ромашка»"))
        #expect(text.contains("Иван Петров +7 916 123-45-67"))
        #expect(comment?["authorId"] == .null)
    }

    @Test func contractSignedRequiresItsFieldsEvenWhenJumpedToS17() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .deal, code: "act_days", title: "Срок подписания акта", type: "integer",
                                             multiple: false, options: [], by: .user(1))
        let pipeline = try fixture.crm.pipelines.list(entityType: .deal)["items"]?.arrayValue?.first
        _ = try fixture.crm.pipelines.updateStage(pipelineID: pipeline?.id ?? 0, stageID: "CONTRACT_SIGNED", title: nil, sort: nil, semantic: nil,
                                                  requiredFields: ["contractNumber", "contractDate", "custom.act_days"], by: .user(1))
        let deal = try fixture.crm.records(.deal).add(fields: ["title": "Монтаж"], idempotencyKey: nil, by: .user(1))
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "deal", id: deal.id, stageId: "INVOICE", missing: [
            MissingField(field: "contractNumber", title: "Номер договора"), MissingField(field: "contractDate", title: "Дата договора"),
            MissingField(field: "custom.act_days", title: "Срок подписания акта"),
        ])) {
            try fixture.crm.records(.deal).update(id: deal.id, fields: ["stageId": "INVOICE"], expectedVersion: nil, by: .user(1))
        }
        let signed = try fixture.crm.records(.deal).update(id: deal.id, fields: [
            "stageId": "CONTRACT_SIGNED", "contractNumber": "15", "contractDate": "2026-03-01", "custom": ["act_days": 5],
        ], expectedVersion: nil, by: .user(1))
        #expect(signed["stageId"] == "CONTRACT_SIGNED")
        #expect(signed["closedAt"] == .null)
        let won = try fixture.crm.records(.deal).update(id: deal.id, fields: ["stageId": "WON"], expectedVersion: nil, by: .user(1))
        #expect(won["closedAt"] == .string(fixture.crm.nowText))
        #expect(won["stageSemantic"] == "success")
    }

    @Test func linksMustPointAtExistingRecords() throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.invalidValue(field: "contactId", reason: "notFound", message: "no contact with id 77")) {
            try fixture.crm.records(.deal).add(fields: ["contactId": 77], idempotencyKey: nil, by: .user(1))
        }
        #expect(throws: CRMError.self) {
            try fixture.crm.records(.company).add(fields: ["website": "not a url"], idempotencyKey: nil, by: .user(1))
        }
    }

    @Test func requiredCustomFieldsApplyToRecordsWithoutStages() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .company, code: "segment", title: "Сегмент", type: "enum", multiple: false,
                                             options: ["A", "B"], required: true, by: .user(1))
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "company", id: nil, stageId: nil,
                                                       missing: [MissingField(field: "custom.segment", title: "Сегмент")])) {
            try fixture.crm.records(.company).add(fields: ["title": "Ромашка"], idempotencyKey: nil, by: .user(1))
        }
        #expect(try fixture.crm.records(.company).add(fields: ["title": "Ромашка", "custom": ["segment": "A"]], idempotencyKey: nil, by: .user(1))["custom"]
                == ["segment": "A"])
    }

    @Test func delayedRobotsRunWhenTheClockGetsThere() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "MEETING_SCHEDULED", trigger: "enter",
                                                 delaySeconds: 3600, action: ["type": "comment", "text": "Напомнить {{lead.name}} о встрече"],
                                                 title: nil, active: true), by: .user(1))
        let lead = try fixture.addLead()
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "MEETING_SCHEDULED"], expectedVersion: nil, by: .user(1))
        func comments() throws -> [String] {
            try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 50, cursor: nil)["items"]?.arrayValue?
                .filter { $0["type"] == "comment" }.compactMap { $0["data"]?["text"]?.stringValue } ?? []
        }
        #expect(try fixture.crm.scheduler.runDue() == 0)
        #expect(try comments() == [])
        #expect(try fixture.crm.scheduler.secondsUntilNext() == 3600)
        fixture.clock.advance(by: 3600)
        #expect(try fixture.crm.scheduler.runDue() == 1)
        #expect(try comments() == ["Напомнить Иван о встрече"])
        #expect(try fixture.crm.scheduler.runDue() == 0)
    }

    @Test func rulesAreValidated() throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.self) {
            try fixture.crm.automation.add(.init(entityType: .contact, pipelineID: nil, stageID: nil, trigger: "create", delaySeconds: 0,
                                                 action: ["type": "comment", "text": "x"], title: nil, active: true), by: .user(1))
        }
        #expect(throws: CRMError.self) {
            try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "NOPE", trigger: "enter", delaySeconds: 0,
                                                 action: ["type": "comment", "text": "x"], title: nil, active: true), by: .user(1))
        }
        #expect(throws: CRMError.self) {
            try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "NEW", trigger: "enter", delaySeconds: 0,
                                                 action: ["type": "teleport"], title: nil, active: true), by: .user(1))
        }
        let rules = try fixture.crm.automation.list(entityType: .deal)["items"]?.arrayValue ?? []
        #expect(rules.count == 1)
        #expect(rules.first?["stageId"] == "NEW")
    }
}

@Suite struct MoneyListTests {
    @Test func amountsFilterAndSortExactlyAcrossPages() throws {
        let fixture = try CRMFixture()
        let amounts = ["999.99", "1000", "0.01", "1000.5", "25", "100000", "99.9"]
        for (index, amount) in amounts.enumerated() {
            _ = try fixture.crm.records(.deal).add(fields: ["title": .string("D\(index)"), "opportunity": .string(amount)], idempotencyKey: nil, by: .user(1))
        }
        _ = try fixture.crm.records(.deal).add(fields: ["title": "без суммы"], idempotencyKey: nil, by: .user(1))
        var request = ListRequest()
        request.order = [("opportunity", true)]
        request.limit = 3
        var seen: [JSON] = []
        while true {
            let page = try fixture.crm.records(.deal).list(request)
            seen += page["items"]?.arrayValue?.map { $0["opportunity"] ?? .null } ?? []
            guard case .string(let next)? = page["next"] else { break }
            request.cursor = next
        }
        #expect(seen == ["100000.00", "1000.50", "1000.00", "999.99", "99.90", "25.00", "0.01", .null])
        var filtered = ListRequest()
        filtered.filter = [">=opportunity": "999.99", "<opportunity": "1000.5"]
        #expect(try fixture.crm.records(.deal).list(filtered)["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["D0", "D1"])
        filtered.filter = [">opportunity": "1.005"]
        #expect(throws: CRMError.self) { try fixture.crm.records(.deal).list(filtered) }
    }
}

import JSONKit
import Testing
@testable import CRM

/// Waiting without forgetting (issue 13, S7), by the CRM's own clock: a lead that has stayed in
/// a stage N days with nothing on its timeline and no planned activity gets a task for its
/// responsible, once per quiet spell; and a stage robot's `activity` action books a follow-up.
@Suite struct IdleRobotTests {
    func idleRule(_ crm: CRM, stage: String, days: Int64) throws -> Int64 {
        try crm.automation.add(AutomationService.RuleInput(
            entityType: .lead, pipelineID: nil, stageID: stage, trigger: "idle", delaySeconds: 0,
            action: ["type": "activity", "subject": "Позвонить клиенту о решении: {{lead.title}}", "in": 3600],
            title: "Не забыть", active: true, days: days), by: .user(1)).id
    }

    func tasks(_ crm: CRM, lead: Int64) throws -> [JSON] {
        var query = ActivityService.ListQuery()
        query.binding = RecordRef(.lead, lead)
        return try crm.activities.list(query, access: nil, userID: 1)["items"]?.arrayValue ?? []
    }

    @Test func aQuietLeadGetsOneTaskPerQuietSpellAndNoneWhileSomethingIsPlanned() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let quiet = try fixture.addLead(["assignedTo": 1])
        let busy = try fixture.addLead(["assignedTo": 1])
        let stage = quiet["stageId"]!.stringValue!
        _ = try crm.activities.add(["type": "task", "subject": "Уже запланировано", "bindings": [["entityType": "lead", "id": .int(busy.id)]]],
                                   allowOutsideHours: false, by: .user(1))
        let rule = try idleRule(crm, stage: stage, days: 3)

        fixture.clock.advance(by: 2 * 86_400)
        #expect(try crm.scheduler.runIdle() == 0)
        fixture.clock.advance(by: 86_400 + 1)
        #expect(try crm.scheduler.runIdle() == 1)
        let made = try tasks(crm, lead: quiet.id)
        #expect(made.count == 1)
        #expect(made.first?["subject"] == .string("Позвонить клиенту о решении: Монтаж видеонаблюдения"))
        #expect(made.first?["deadline"] == .string(Timestamp.format(fixture.clock.now() + 3600)))
        #expect(made.first?["responsibleId"] == 1)
        #expect(made.first?["clientContacts"] == [["entityType": "lead", "id": .int(quiet.id)]])
        #expect(try crm.scheduler.runIdle() == 0)
        #expect(try tasks(crm, lead: busy.id).count == 1)

        // Done and quiet again for three days: one more.
        _ = try crm.activities.complete(made[0].id, result: "Не дозвонился", by: .user(1))
        fixture.clock.advance(by: 2 * 86_400)
        #expect(try crm.scheduler.runIdle() == 0)
        fixture.clock.advance(by: 86_400 + 1)
        #expect(try crm.scheduler.runIdle() == 1)
        #expect(try tasks(crm, lead: quiet.id).count == 2)
        _ = try crm.automation.delete(rule, by: .user(1))
        fixture.clock.advance(by: 10 * 86_400)
        #expect(try crm.scheduler.runIdle() == 0)
    }

    @Test func aLeadWithoutResponsibleGetsACommentInsteadOfATask() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let lead = try fixture.addLead(["assignedTo": .null])
        _ = try idleRule(crm, stage: lead["stageId"]!.stringValue!, days: 1)
        fixture.clock.advance(by: 86_400 + 1)
        #expect(try crm.scheduler.runIdle() == 1)
        #expect(try tasks(crm, lead: lead.id).isEmpty)
        let comments = try crm.pool.read { db in
            try db.query("SELECT data FROM timeline WHERE entity_type = 'lead' AND entity_id = ? AND type = 'comment'", [.integer(lead.id)])
                .map { try JSON.parse(try $0.text("data"))["text"]?.stringValue ?? "" }
        }
        #expect(comments.count == 1 && comments[0].contains("нет ответственного"))
        #expect(try crm.scheduler.runIdle() == 0)
    }

    @Test func anIdleRuleNeedsAStageAndDays() throws {
        let fixture = try CRMFixture()
        for (stage, days) in [(nil, Int64(3)), ("NEW", nil), ("NEW", 0)] as [(String?, Int64?)] {
            #expect(throws: CRMError.self) {
                try fixture.crm.automation.add(AutomationService.RuleInput(
                    entityType: .lead, pipelineID: nil, stageID: stage, trigger: "idle", delaySeconds: 0,
                    action: ["type": "activity", "subject": "x"], title: nil, active: true, days: days), by: .user(1))
            }
        }
    }
}

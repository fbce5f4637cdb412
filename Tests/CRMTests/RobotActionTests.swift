import JSONKit
import Storage
import Synchronization
import Testing
@testable import CRM

/// Robots' actions of issue 12, item 5 (sms, task, webhook) and the robot log of item 6, by the
/// CRM's own clock: every run is logged with its result, and an action that fails is undone alone,
/// never the write that woke it, and tried again later.
@Suite struct RobotActionTests {
    func rule(_ crm: CRM, _ entity: EntityType, trigger: String = "create", status: String? = nil, action: JSON,
              condition: JSON? = nil) throws -> JSON {
        try crm.automation.add(AutomationService.RuleInput(entityType: entity, pipelineID: nil, stageID: nil, trigger: trigger, delaySeconds: 0,
                                                           action: action, title: nil, active: true, status: status, condition: condition),
                               by: .user(1))
    }

    func log(_ crm: CRM, _ entity: String, _ id: Int64) throws -> [JSON] {
        try crm.automation.log(entityType: entity, id: id, ruleID: nil, limit: 50, cursor: nil, access: nil)["items"]?.arrayValue ?? []
    }

    func smsTo(_ crm: CRM) throws -> [String] {
        try crm.pool.read { db in try db.query("SELECT phone FROM sms_messages ORDER BY id").map { try $0.text("phone") } }
    }

    @Test func smsGoesToTheClientsFirstPhoneOrSaysWhyNot() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let lead = try rule(crm, .lead, action: ["type": "sms", "to": "client", "text": "Спасибо, {{lead.name}}!"])
        let withPhone = try fixture.addLead()
        #expect(try smsTo(crm) == ["79161234567"])
        let run = try log(crm, "lead", withPhone.id)
        #expect(run.count == 1)
        #expect(run.first?["result"] == "queued" && run.first?["action"] == "sms" && run.first?["trigger"] == "create")
        #expect(run.first?["ruleId"] == lead["id"] && run.first?["attempt"] == 1 && run.first?["data"]?["smsId"] != nil)

        _ = try crm.automation.delete(lead.id, by: .user(1))
        _ = try rule(crm, .deal, action: ["type": "sms", "text": "Сделка {{deal.title}}"])
        _ = try rule(crm, .deal, action: ["type": "sms", "to": "responsible", "text": "Новая сделка"])
        let company = try crm.records(.company).add(fields: ["title": "ООО Ромашка", "phones": [["value": "+7 495 111-22-33"]]],
                                                    idempotencyKey: nil, by: .user(1))
        let deal = try crm.records(.deal).add(fields: ["title": "Камеры", "companyId": .int(company.id), "assignedTo": 1],
                                              idempotencyKey: nil, by: .user(1))
        // The deal has no contact: its company's phone; the responsible has none in their profile.
        #expect(try smsTo(crm) == ["79161234567", "74951112233"])
        // (The built-in robot comments on every new deal.)
        let runs = try log(crm, "deal", deal.id).filter { $0["action"] == "sms" }
        #expect(runs.map { $0["result"] } == ["skipped", "queued"])
        #expect(runs.first?["reason"] == "нет телефона у ответственного")
        let timeline = try crm.pool.read { db in
            try db.query("SELECT data FROM timeline WHERE entity_type = 'deal' AND entity_id = ? AND type = 'comment'", [.integer(deal.id)])
                .map { try JSON.parse(try $0.text("data"))["text"]?.stringValue ?? "" }
        }
        #expect(timeline.filter { $0.hasPrefix("Робот") } == ["Робот не отправил SMS: нет телефона у ответственного"])

        _ = try crm.users.update(1, ["phone": "+7 916 000-00-09"], by: .user(1))
        _ = try crm.records(.deal).add(fields: ["title": "Ещё", "companyId": .int(company.id), "assignedTo": 1], idempotencyKey: nil, by: .user(1))
        #expect(try smsTo(crm).suffix(2) == ["74951112233", "79160000009"])
    }

    @Test func anInvoiceRobotTextsThePayerAndSetsATaskByTheIssuesName() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let (deal, buyer) = try InvoiceTests().prepared(fixture)
        _ = try crm.records(.company).update(id: buyer.id, fields: ["phones": [["value": "8 916 555-44-33"]]], expectedVersion: nil, by: .user(1))
        _ = try crm.records(.deal).update(id: deal.id, fields: ["assignedTo": 1], expectedVersion: nil, by: .user(1))
        _ = try rule(crm, .invoice, trigger: "status", status: "paid", action: ["type": "sms", "text": "Счёт {{invoice.number}} оплачен"])
        let task = try rule(crm, .invoice, trigger: "status", status: "paid", action: ["type": "task", "subject": "Отгрузить", "in": 7200])
        #expect(task["action"] == ["type": "task", "subject": "Отгрузить", "description": .null, "in": 7200])
        #expect(try crm.automation.get(task.id)["action"]?["type"] == "task")
        let today = try crm.today()
        let invoice = try crm.invoices.createFromDeal(.init(dealID: deal.id, date: today, dueDate: today), by: .user(1))
        _ = try crm.invoices.addPayment(id: invoice.id, amount: invoice["total"]!.stringValue!, date: today, reference: nil, by: .user(1))
        #expect(try smsTo(crm) == ["79165554433"])
        let runs = try log(crm, "invoice", invoice.id)
        #expect(runs.map { $0["action"] } == ["task", "sms"])
        #expect(runs.map { $0["result"] } == ["done", "queued"])
        var query = ActivityService.ListQuery()
        query.binding = RecordRef(.deal, deal.id)
        let tasks = try crm.activities.list(query, access: nil, userID: 1)["items"]?.arrayValue ?? []
        #expect(tasks.map { $0["subject"] } == ["Отгрузить"])
        #expect(tasks.first?["id"] == runs.first?["data"]?["activityId"])
        #expect(tasks.first?["deadline"] == .string(Timestamp.format(fixture.clock.now() + 7200)))
    }

    @Test func aWebhookSecretIsShownOnceAndItsRunIsQueuedInTheOutbox() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let added = try rule(crm, .lead, action: ["type": "webhook", "url": "http://127.0.0.1:9/hook"])
        let secret = try #require(added["action"]?["secret"]?.stringValue)
        #expect(secret.hasPrefix("whsec_") && secret.count > 30)
        #expect(try crm.automation.get(added.id)["action"]?["secret"] == "********")
        #expect(try crm.automation.list(entityType: .lead)["items"]?.arrayValue?.first?["action"]?["secret"] == "********")
        // Given back masked, it stays; the result does not show it.
        let updated = try crm.automation.update(id: added.id, AutomationService.RuleInput(
            entityType: .lead, pipelineID: nil, stageID: nil, trigger: "create", delaySeconds: 0,
            action: ["type": "webhook", "url": "http://127.0.0.1:9/other", "secret": "********"], title: "ERP", active: true), by: .user(1))
        #expect(updated["action"]?["secret"] == "********")
        let stored = try crm.pool.read { db in try AutomationStore.rule(db, id: added.id)?.action["secret"] }
        #expect(stored == .string(secret))

        let lead = try fixture.addLead()
        let run = try #require(try log(crm, "lead", lead.id).first)
        #expect(run["result"] == "queued" && run["action"] == "webhook")
        let due = try crm.pool.read { db in try AutomationLogStore.dueWebhooks(db, now: fixture.clock.now(), limit: 10) }
        #expect(due.count == 1)
        #expect(due.first?.url == "http://127.0.0.1:9/other" && due.first?.secret == secret && due.first?.id == run["data"]?["webhookDeliveryId"]?.int64Value)
        let body = try JSON.parse(due.first?.body ?? "")
        #expect(body["ruleId"] == added["id"] && body["entityType"] == "lead" && body["id"] == lead["id"] && body["trigger"] == "create")
        #expect(body["record"]?["title"] == lead["title"] && body["at"] == .string(Timestamp.format(fixture.clock.now())))
    }

    /// A listener that refuses the robots' comments while `refusing` is set: an action failing for a reason of its own.
    final class RefuseRobotComments: ChangeListener {
        let refusing = Mutex(true)
        struct Refused: Error {}
        func apply(_ change: Change, in db: Database, crm: CRM) throws {
            if case .robot = change.caller.cause, change.operation == .commented, refusing.withLock({ $0 }) { throw Refused() }
        }
    }

    @Test func aFailingActionIsUndoneAloneLoggedAndTriedAgainWithBackoff() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let refuse = RefuseRobotComments()
        crm.changes.add(refuse)
        let comment = try rule(crm, .lead, action: ["type": "comment", "text": "Новый лид {{lead.title}}"])
        _ = try rule(crm, .lead, action: ["type": "notify", "to": 1, "text": "Лид"])
        let lead = try fixture.addLead()
        // The lead stands, and so does the second robot's run.
        #expect(try crm.leads.get(lead.id)["title"] == lead["title"])
        var runs = try log(crm, "lead", lead.id)
        #expect(runs.map { $0["result"] } == ["done", "failed"])
        let failed = runs[1]
        #expect(failed["ruleId"] == comment["id"] && failed["attempt"] == 1)
        #expect(failed["data"]?["retryAt"] == .string(Timestamp.format(fixture.clock.now() + 30)))
        let comments = { try crm.pool.read { db in
            try db.scalar("SELECT count(*) FROM timeline WHERE entity_type = 'lead' AND entity_id = ? AND type = 'comment'", [.integer(lead.id)]).int64
        } }
        #expect(try comments() == 0)

        // Tried again 30 s later, failing again: next in 60 s.
        fixture.clock.advance(by: 29)
        #expect(try crm.scheduler.runDue() == 0)
        fixture.clock.advance(by: 1)
        #expect(try crm.scheduler.runDue() == 1)
        runs = try log(crm, "lead", lead.id)
        #expect(runs.first?["attempt"] == 2 && runs.first?["result"] == "failed")
        #expect(runs.first?["data"]?["retryAt"] == .string(Timestamp.format(fixture.clock.now() + 60)))

        refuse.refusing.withLock { $0 = false }
        fixture.clock.advance(by: 60)
        #expect(try crm.scheduler.runDue() == 1)
        runs = try log(crm, "lead", lead.id)
        #expect(runs.first?["attempt"] == 3 && runs.first?["result"] == "done")
        #expect(try comments() == 1)
        #expect(try crm.scheduler.runDue() == 0)
    }

    @Test func aFailingActionGivesUpAfterItsLastTry() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        crm.changes.add(RefuseRobotComments())
        _ = try rule(crm, .lead, action: ["type": "comment", "text": "x"])
        let lead = try fixture.addLead()
        for _ in 1..<AutomationEngine.maxAttempts {
            fixture.clock.advance(by: 3600)
            #expect(try crm.scheduler.runDue() == 1)
        }
        fixture.clock.advance(by: 86_400)
        #expect(try crm.scheduler.runDue() == 0)
        let runs = try log(crm, "lead", lead.id)
        #expect(runs.count == Int(AutomationEngine.maxAttempts))
        #expect(runs.first?["data"]?["gaveUp"] == true && runs.first?["attempt"] == .int(AutomationEngine.maxAttempts))
    }

    @Test func theLogTellsSkippedRunsPagesNewestFirstAndListsARulesRuns() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let rich = try rule(crm, .lead, action: ["type": "comment", "text": "крупный"], condition: ["field": "city", "op": "=", "value": "Тверь"])
        let leads = try (0..<3).map { _ in try fixture.addLead() }
        let first = try log(crm, "lead", leads[0].id)
        #expect(first.map { $0["result"] } == ["skipped"] && first.first?["reason"] == "condition false")
        let page = try crm.automation.log(entityType: nil, id: nil, ruleID: rich.id, limit: 2, cursor: nil, access: nil)
        #expect(page["items"]?.arrayValue?.map { $0["entityId"] } == [leads[2]["id"], leads[1]["id"]])
        let rest = try crm.automation.log(entityType: nil, id: nil, ruleID: rich.id, limit: 2, cursor: page["nextCursor"]?.stringValue, access: nil)
        #expect(rest["items"]?.arrayValue?.map { $0["entityId"] } == [leads[0]["id"]] && rest["nextCursor"] == .null)
    }
}

import Foundation
import JSONKit
import Storage
import Synchronization
import Testing
@testable import CRM

/// Stored definitions damaged behind crmd's back (straight in SQLite) are reported as
/// `StoredDataError` naming the table, the row and what failed — never skipped, dropped or
/// replaced by a default.
@Suite struct StoredDataTests {
    /// Runs `sql` on the fixture's database, as a damaged file or a careless hand would.
    private func corrupt(_ fixture: CRMFixture, _ sql: String, _ arguments: [SQLValue] = [], ignoringChecks: Bool = false) throws {
        try fixture.crm.pool.write { db in
            if ignoringChecks { try db.execute("PRAGMA ignore_check_constraints = ON") }
            defer { if ignoringChecks { try? db.execute("PRAGMA ignore_check_constraints = OFF") } }
            try db.execute(sql, arguments)
            #expect(db.changes > 0, "the corruption changed nothing: \(sql)")
        }
        fixture.crm.definitions.invalidate()
    }

    /// `body` must fail with a `StoredDataError` for `table` row `id` whose problem mentions `mentioning`.
    private func expectUnreadable(_ table: String, _ id: String, mentioning: String, sourceLocation: SourceLocation = #_sourceLocation,
                                  _ body: () throws -> Any) {
        let error = #expect(throws: StoredDataError.self, sourceLocation: sourceLocation) { _ = try body() }
        #expect(error?.table == table, sourceLocation: sourceLocation)
        #expect(error?.id == id, sourceLocation: sourceLocation)
        #expect(error?.problem.contains(mentioning) == true, "problem: \(error?.problem ?? "none")", sourceLocation: sourceLocation)
        #expect(error?.description.contains(table) == true && error?.description.contains(id) == true, sourceLocation: sourceLocation)
    }

    private func comments(_ fixture: CRMFixture, _ type: EntityType, _ id: Int64) throws -> [String] {
        try fixture.crm.timeline.list(entityType: type, id: id, limit: 50, cursor: nil)["items"]?.arrayValue?
            .filter { $0["type"] == "comment" }.compactMap { $0["data"]?["text"]?.stringValue } ?? []
    }

    // MARK: - Automation rules

    @Test func aRuleWhoseActionIsGarbageIsReportedNotSkipped() throws {
        let fixture = try CRMFixture()
        let rule = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "QUALIFICATION", trigger: "enter",
                                                        delaySeconds: 0, action: ["type": "comment", "text": "Позвонить"], title: nil, active: true), by: .user(1))
        let lead = try fixture.addLead()
        try corrupt(fixture, "UPDATE automation_rules SET action = 'garbage' WHERE id = ?", [.integer(rule.id)])

        expectUnreadable("automation_rules", "\(rule.id)", mentioning: "action: not JSON") { try fixture.crm.automation.get(rule.id) }
        expectUnreadable("automation_rules", "\(rule.id)", mentioning: "action") { try fixture.crm.automation.list(entityType: .lead) }
        // The move that should run the robot fails as a whole instead of quietly running nothing.
        expectUnreadable("automation_rules", "\(rule.id)", mentioning: "action: not JSON") {
            try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION"], expectedVersion: nil, by: .user(1))
        }
        #expect(try fixture.crm.leads.get(lead.id)["stageId"] == "NEW")
    }

    @Test func aRuleWithAnUnknownActionTypeStopsTheDealItWouldComment() throws {
        let fixture = try CRMFixture()
        // The default deal funnel's robot (S13), turned into an action this binary does not know.
        try corrupt(fixture, #"UPDATE automation_rules SET action = '{"type":"telegram","text":"x"}' WHERE entity_type = 'deal'"#)
        let ruleID = try #require(try fixture.crm.pool.read { try $0.queryOne("SELECT id FROM automation_rules WHERE entity_type = 'deal'") })
            .int64("id")
        expectUnreadable("automation_rules", "\(ruleID)", mentioning: "action.type: unsupported action type 'telegram'") {
            try fixture.crm.records(.deal).add(fields: ["title": "Камеры"], idempotencyKey: nil, by: .user(1))
        }
        #expect(try fixture.crm.records(.deal).list(ListRequest())["items"] == [])
    }

    @Test func aRuleWithAnUnknownTriggerOrEntityTypeIsReported() throws {
        let fixture = try CRMFixture()
        let rule = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "NEW", trigger: "enter", delaySeconds: 0,
                                                        action: ["type": "comment", "text": "x"], title: nil, active: true), by: .user(1))
        try corrupt(fixture, "UPDATE automation_rules SET entity_type = 'gizmo' WHERE id = ?", [.integer(rule.id)])
        expectUnreadable("automation_rules", "\(rule.id)", mentioning: "entity_type: unknown value 'gizmo'") { try fixture.crm.automation.get(rule.id) }
        try corrupt(fixture, "UPDATE automation_rules SET entity_type = 'lead', trigger = 'leave' WHERE id = ?", [.integer(rule.id)],
                    ignoringChecks: true)
        expectUnreadable("automation_rules", "\(rule.id)", mentioning: "trigger: unknown value 'leave'") { try fixture.crm.automation.get(rule.id) }
    }

    @Test func aDelayedRobotWithAGarbageActionMarksItsJobFailedAndReportsIt() throws {
        let fixture = try CRMFixture()
        let faults = Mutex<[String]>([])
        fixture.crm.faults.redirect { message in faults.withLock { $0.append(message) } }
        let rule = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "MEETING_SCHEDULED", trigger: "enter",
                                                        delaySeconds: 3600, action: ["type": "comment", "text": "Напомнить"], title: nil, active: true), by: .user(1))
        let good = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "MEETING_SCHEDULED", trigger: "enter",
                                                        delaySeconds: 3600, action: ["type": "comment", "text": "Подготовить КП"], title: nil,
                                                        active: true), by: .user(1))
        let lead = try fixture.addLead()
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "MEETING_SCHEDULED"], expectedVersion: nil, by: .user(1))
        try corrupt(fixture, #"UPDATE automation_rules SET action = '{"type":"comment"}' WHERE id = ?"#, [.integer(rule.id)])
        fixture.clock.advance(by: 3600)

        #expect(try fixture.crm.scheduler.runDue() == 2)
        #expect(try comments(fixture, .lead, lead.id) == ["Подготовить КП"])   // the sound robot still runs
        let jobs = try fixture.crm.pool.read { try $0.query("SELECT payload, attempts, last_error FROM scheduled_jobs") }
        #expect(jobs.count == 1)   // the failed job is kept, not dropped
        let job = try #require(jobs.first)
        #expect(try JSON.parse(job.text("payload"))["ruleId"] == .int(rule.id))
        #expect(try job.int64("attempts") == 1)
        let lastError = try job.optionalText("last_error") ?? ""
        #expect(lastError.contains("automation_rules \(rule.id)") && lastError.contains("action.text"))
        let reported = faults.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.contains("automation_rules \(rule.id)") == true)
        // A failed job is not retried on every tick, and nothing is waiting any more.
        #expect(try fixture.crm.scheduler.runDue() == 0)
        #expect(try fixture.crm.scheduler.secondsUntilNext() == nil)
        #expect(faults.withLock { $0.count } == 1)
        _ = good
    }

    @Test func aJobWhosePayloadIsGarbageIsMarkedFailedNotDeleted() throws {
        let fixture = try CRMFixture()
        let faults = Mutex<[String]>([])
        fixture.crm.faults.redirect { message in faults.withLock { $0.append(message) } }
        try fixture.crm.pool.write { db in
            try db.execute("INSERT INTO scheduled_jobs (run_at, kind, payload, created_at) VALUES (0, 'automation', '{\"ruleId\": 1', 'x')")
            try db.execute("INSERT INTO scheduled_jobs (run_at, kind, payload, created_at) VALUES (0, 'teleport', '{}', 'x')")
            try db.execute(#"INSERT INTO scheduled_jobs (run_at, kind, payload, created_at) VALUES (0, 'automation', '{"ruleId": 1, "entityType": "gizmo", "id": 1}', 'x')"#)
        }
        #expect(try fixture.crm.scheduler.runDue() == 3)
        let errors = try fixture.crm.pool.read { try $0.query("SELECT last_error FROM scheduled_jobs ORDER BY id").map { try $0.optionalText("last_error") } }
        #expect(errors.count == 3)
        #expect(errors[0]?.contains("payload: not JSON") == true)
        #expect(errors[1]?.contains("kind: unknown job kind 'teleport'") == true)
        #expect(errors[2]?.contains("payload.entityType: unknown value 'gizmo'") == true)
        #expect(faults.withLock { $0.count } == 3)
        #expect(try fixture.crm.scheduler.runDue() == 0)
    }

    // MARK: - Pipelines and stages

    @Test func aStageWithAnUnknownSemanticIsReportedNotTakenForInProgress() throws {
        let fixture = try CRMFixture()
        _ = try fixture.addLead()
        try corrupt(fixture, "UPDATE stages SET semantic = 'limbo' WHERE entity_type = 'lead' AND id = 'JUNK'", ignoringChecks: true)
        expectUnreadable("stages", "lead/JUNK", mentioning: "semantic: unknown value 'limbo'") { try fixture.crm.pipelines.list(entityType: .lead) }
        expectUnreadable("stages", "lead/JUNK", mentioning: "semantic") { try fixture.crm.leads.fields() }
        expectUnreadable("stages", "lead/JUNK", mentioning: "semantic") { try fixture.addLead() }
        // The deal funnel is not affected.
        #expect(try fixture.crm.pipelines.list(entityType: .deal)["items"]?.arrayValue?.count == 1)
    }

    @Test func aStageWhoseRequiredFieldsAreNotAListIsReported() throws {
        let fixture = try CRMFixture()
        try corrupt(fixture, "UPDATE stages SET required_fields = 'phones, city' WHERE entity_type = 'lead' AND id = 'NEW'")
        expectUnreadable("stages", "lead/NEW", mentioning: "required_fields: not JSON") { try fixture.crm.pipelines.list(entityType: .lead) }
        // Before, the requirement vanished and a lead without phone or city was accepted.
        expectUnreadable("stages", "lead/NEW", mentioning: "required_fields") {
            try fixture.crm.leads.add(fields: ["title": "Без телефона"], idempotencyKey: nil, by: .user(1))
        }
        try corrupt(fixture, #"UPDATE stages SET required_fields = '["phones", 7]' WHERE entity_type = 'lead' AND id = 'NEW'"#)
        expectUnreadable("stages", "lead/NEW", mentioning: "required_fields: 7 is not a string") { try fixture.crm.pipelines.list(entityType: .lead) }
    }

    @Test func aPipelineOfAnUnknownEntityTypeIsReportedNotMissing() throws {
        let fixture = try CRMFixture()
        try corrupt(fixture, "UPDATE pipelines SET entity_type = 'gizmo' WHERE id = 1")
        // Before, the pipeline read as absent: 1002 for a funnel that is there.
        expectUnreadable("pipelines", "1", mentioning: "entity_type: unknown value 'gizmo'") {
            try fixture.crm.pipelines.addStage(pipelineID: 1, input: .init(id: nil, title: "Ещё", semantic: nil, sort: nil, requiredFields: nil), by: .user(1))
        }
    }

    // MARK: - Custom fields

    @Test func aCustomFieldOfAnUnknownTypeIsReportedNotTreatedAsText() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "area", title: "Площадь", type: "integer", multiple: false, options: [], by: .user(1))
        try corrupt(fixture, "UPDATE custom_fields SET type = 'hologram' WHERE code = 'area'")
        expectUnreadable("custom_fields", "lead/area", mentioning: "type: unknown field type 'hologram'") {
            try fixture.crm.customFields.list(entityType: .lead)
        }
        expectUnreadable("custom_fields", "lead/area", mentioning: "hologram") { try fixture.crm.leads.fields() }
        expectUnreadable("custom_fields", "lead/area", mentioning: "hologram") { try fixture.addLead(["custom": ["area": "много"]]) }
        expectUnreadable("custom_fields", "lead/area", mentioning: "hologram") { try fixture.crm.leads.list(ListRequest()) }
    }

    @Test func aCustomFieldWhoseOptionsAreNotAListIsReported() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .deal, code: "segment", title: "Сегмент", type: "enum", multiple: false, options: ["A", "B"], by: .user(1))
        try corrupt(fixture, "UPDATE custom_fields SET options = '{A,B}' WHERE code = 'segment'")
        expectUnreadable("custom_fields", "deal/segment", mentioning: "options: not JSON") { try fixture.crm.customFields.list(entityType: .deal) }
        try corrupt(fixture, "UPDATE custom_fields SET options = '[\"A\"]', multiple = 3 WHERE code = 'segment'")
        expectUnreadable("custom_fields", "deal/segment", mentioning: "multiple") { try fixture.crm.customFields.list(entityType: .deal) }
    }

    // MARK: - Records

    @Test func aRecordColumnThatDoesNotDecodeIsReported() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        try corrupt(fixture, "UPDATE leads SET phones = '[{\"value\": ' WHERE id = ?", [.integer(lead.id)])
        expectUnreadable("leads", "\(lead.id)", mentioning: "phones: not JSON") { try fixture.crm.leads.get(lead.id) }
        expectUnreadable("leads", "\(lead.id)", mentioning: "phones") { try fixture.crm.leads.list(ListRequest()) }
        try corrupt(fixture, "UPDATE leads SET phones = '[]', custom = '[1]' WHERE id = ?", [.integer(lead.id)])
        expectUnreadable("leads", "\(lead.id)", mentioning: "custom: not a JSON object") { try fixture.crm.leads.get(lead.id) }
        try corrupt(fixture, "UPDATE leads SET custom = '{}', client_type = 'alien' WHERE id = ?", [.integer(lead.id)])
        expectUnreadable("leads", "\(lead.id)", mentioning: "client_type: 'alien' is not one of company, ip, person") {
            try fixture.crm.leads.get(lead.id)
        }
        try corrupt(fixture, "UPDATE leads SET client_type = NULL, version = 'вторая' WHERE id = ?", [.integer(lead.id)])
        expectUnreadable("leads", "\(lead.id)", mentioning: "version: text value for a field of kind integer") { try fixture.crm.leads.get(lead.id) }
    }

    @Test func aDamagedInvoiceSnapshotIsReportedNotPrintedBlank() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
        #expect(try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html").data.isEmpty == false)

        try corrupt(fixture, #"UPDATE invoices SET rows = '[{"name": "Камера"}]' WHERE id = ?"#, [.integer(invoice.id)])
        expectUnreadable("invoices", "\(invoice.id)", mentioning: "rows[0].unit: not an object") {
            try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html")
        }
        try corrupt(fixture, "UPDATE invoices SET rows = 'not json' WHERE id = ?", [.integer(invoice.id)])
        expectUnreadable("invoices", "\(invoice.id)", mentioning: "rows: not JSON") { try fixture.crm.invoices.get(invoice.id) }
        expectUnreadable("invoices", "\(invoice.id)", mentioning: "rows: not JSON") { try fixture.crm.invoices.list(ListRequest()) }
        try corrupt(fixture, "UPDATE invoices SET rows = '[]', paid = 'lots' WHERE id = ?", [.integer(invoice.id)])
        expectUnreadable("invoices", "\(invoice.id)", mentioning: "paid: 'lots' is not an amount") { try fixture.crm.invoices.get(invoice.id) }
        expectUnreadable("invoices", "\(invoice.id)", mentioning: "paid: 'lots' is not an amount") {
            try fixture.crm.invoices.addPayment(id: invoice.id, amount: "100", date: "2026-03-06", reference: nil, by: .user(1))
        }
    }

    @Test func aProductRowThatDoesNotDecodeIsReportedNotDropped() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        #expect(try fixture.crm.productRows.get(dealID: deal.id)["rows"]?.arrayValue?.count == 2)
        try corrupt(fixture, #"UPDATE deal_product_rows SET row = '{"name": "Монтаж", "price": "15000.00"}' WHERE deal_id = ? AND position = 1"#,
                    [.integer(deal.id)])
        expectUnreadable("deal_product_rows", "\(deal.id)/1", mentioning: "row.quantity") { try fixture.crm.productRows.get(dealID: deal.id) }
        expectUnreadable("deal_product_rows", "\(deal.id)/1", mentioning: "row.quantity") {
            try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
        }
        try corrupt(fixture, """
            UPDATE deal_product_rows SET row = json_set(row, '$.quantity', '1', '$.vatRate', '22', '$.vatIncluded', json('true'),
              '$.unit', json('{"code": "7"}'), '$.discount', json('null'), '$.productId', json('null'))
            WHERE deal_id = ? AND position = 1
            """, [.integer(deal.id)])
        expectUnreadable("deal_product_rows", "\(deal.id)/1", mentioning: "row.unit.code") { try fixture.crm.productRows.get(dealID: deal.id) }
    }

    // MARK: - Settings, templates, timeline, requisites

    @Test func settingsThatAreNotAnObjectAreReportedNotReplacedByDefaults() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.settings.update(["invoiceDueDays": 10], by: .user(1))
        try corrupt(fixture, "UPDATE settings SET value = 'invoiceDueDays=10' WHERE key = 'settings'")
        expectUnreadable("settings", "'settings'", mentioning: "value: not JSON") { try fixture.crm.settings.get() }
        try corrupt(fixture, #"UPDATE settings SET value = '{"invoiceDueDays": "ten"}' WHERE key = 'settings'"#)
        expectUnreadable("settings", "'settings'", mentioning: "value.invoiceDueDays") { try fixture.crm.settings.get() }
        try corrupt(fixture, #"UPDATE settings SET value = '{"defaultVatRate": "99"}' WHERE key = 'settings'"#)
        expectUnreadable("settings", "'settings'", mentioning: "value.defaultVatRate") { try fixture.crm.settings.get() }
        try corrupt(fixture, #"UPDATE settings SET value = '{"invoiceDueDays": null}' WHERE key = 'settings'"#)
        #expect(try fixture.crm.settings.get()["invoiceDueDays"] == .null)   // null: the default, as the API documents
    }

    @Test func aTemplateThatNoLongerCompilesOrHasAnUnknownKindIsReported() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        _ = try fixture.crm.templates.add(code: "memo", title: "Записка", kind: "other", body: "<p>{{ deal.title }}</p>", by: .user(1))
        #expect(try fixture.crm.documents.renderDeal(template: "memo", dealID: deal.id, format: "html").data.isEmpty == false)
        try corrupt(fixture, "UPDATE document_templates SET body = '<p>{{#if deal.title}}' WHERE code = 'memo'")
        expectUnreadable("document_templates", "memo", mentioning: "body") {
            try fixture.crm.documents.renderDeal(template: "memo", dealID: deal.id, format: "html")
        }
        try corrupt(fixture, "UPDATE document_templates SET kind = 'poster' WHERE code = 'memo'")
        expectUnreadable("document_templates", "memo", mentioning: "kind: unknown kind 'poster'") { try fixture.crm.templates.list() }
    }

    @Test func timelineDataAndRequisiteFieldsThatDoNotDecodeAreReported() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        let entry = try fixture.crm.timeline.comment(entityType: .lead, id: lead.id, text: "Позвонил", by: .user(1))
        try corrupt(fixture, "UPDATE timeline SET data = 'Позвонил' WHERE id = ?", [.integer(entry.id)])
        expectUnreadable("timeline", "\(entry.id)", mentioning: "data: not JSON") {
            try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)
        }
        try corrupt(fixture, "UPDATE timeline SET data = '{}', type = 'teleported' WHERE id = ?", [.integer(entry.id)])
        expectUnreadable("timeline", "\(entry.id)", mentioning: "type: unknown value 'teleported'") {
            try fixture.crm.timeline.list(entityType: .lead, id: lead.id, limit: 10, cursor: nil)
        }

        let company = try fixture.crm.records(.company).add(fields: ["title": "Ромашка"], idempotencyKey: nil, by: .user(1))
        let requisite = try fixture.crm.requisites.add(.init(entityType: .company, entityID: company.id, preset: "legal", name: nil,
                                                            fields: ["inn": "7707083893"], lookup: false, renameEntity: nil), by: .user(1))
        try corrupt(fixture, "UPDATE requisites SET fields = '[\"7707083893\"]' WHERE id = ?", [.integer(requisite.id)])
        expectUnreadable("requisites", "\(requisite.id)", mentioning: "fields: not a JSON object") { try fixture.crm.requisites.get(requisite.id) }
    }

    // MARK: - Outbox

    @Test func anOutboxMessageThatDoesNotDecodeIsFailedWithItsReasonAndReported() throws {
        let fixture = try CRMFixture { _ in LocalConfiguration(sendmailPath: "/nonexistent/sendmail") }
        let faults = Mutex<[String]>([])
        fixture.crm.faults.redirect { message in faults.withLock { $0.append(message) } }
        // A transport that would fail loudly if a message ever reached it.
        _ = try fixture.crm.settings.update(["mail": ["transport": "sendmail"]], by: .user(1))
        let id = try fixture.crm.pool.write { db -> Int64 in
            try db.execute("""
                INSERT INTO outbox (kind, recipients, message, status, next_attempt_at, created_at)
                VALUES ('mail', 'a@b.ru', ?, 'queued', 0, '2026-01-01T00:00:00Z')
                """, [.text(#"{"from": {"address": "billing@example.ru"}, "to": [{"address": "a@b.ru"}], "subject": "Счёт", "textBody": "x", "messageId": "<1@crmd>", "date": 0, "attachments": [{"fileName": "счёт.pdf", "contentType": "application/pdf", "data": "%%%"}]}"#)])
            return db.lastInsertRowID
        }
        #expect(try fixture.crm.outbox.deliverDue() == 0)
        let row = try #require(try fixture.crm.pool.read { try $0.queryOne("SELECT status, last_error FROM outbox WHERE id = ?", [.integer(id)]) })
        #expect(try row.text("status") == "failed")
        // Before, the attachment was dropped and the message sent without it.
        #expect(try row.optionalText("last_error")?.contains("outbox \(id): message.attachments[0]") == true)
        #expect(faults.withLock { $0 }.count == 1)
        #expect(faults.withLock { $0 }.first?.contains("outbox \(id)") == true)
    }
}

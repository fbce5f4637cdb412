import JSONKit
import Testing
@testable import CRM

/// Invoice robots on dates (issue 12, item 5) by the CRM's own clock: `dueIn` acts from N days
/// before the due date, `status: overdue` once the date has passed, each once per invoice, and
/// neither on an invoice that is paid.
@Suite struct InvoiceDateRobotTests {
    func rule(_ crm: CRM, trigger: String, status: String? = nil, days: Int64? = nil, text: String) throws -> Int64 {
        try crm.automation.add(AutomationService.RuleInput(entityType: .invoice, pipelineID: nil, stageID: nil, trigger: trigger,
                                                           delaySeconds: 0, action: ["type": "comment", "text": .string(text)],
                                                           title: nil, active: true, status: status, days: days), by: .user(1)).id
    }

    func comments(_ crm: CRM, invoice: Int64) throws -> [String] {
        try crm.pool.read { db in
            try db.query("SELECT data FROM timeline WHERE entity_type = 'invoice' AND entity_id = ? AND type = 'comment' ORDER BY id",
                         [.integer(invoice)]).map { try JSON.parse(try $0.text("data"))["text"]?.stringValue ?? "" }
        }
    }

    @Test func dueSoonThenOverdueEachOnceAndNeverWhenPaid() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let day = { (offset: Int64) in Timestamp.formatDate(days: Timestamp.parseDate(try crm.today())! + offset) }
        let unpaid = try crm.invoices.createFromDeal(.init(dealID: deal.id, date: try day(0), dueDate: try day(5)), by: .user(1))
        let paid = try crm.invoices.createFromDeal(.init(dealID: deal.id, date: try day(0), dueDate: try day(5)), by: .user(1))
        for invoice in [unpaid, paid] { _ = try crm.invoices.setStatus(id: invoice.id, status: "sent", by: .user(1)) }
        _ = try crm.invoices.addPayment(id: paid.id, amount: paid["total"]!.stringValue!, date: try day(0), reference: nil, by: .user(1))
        _ = try rule(crm, trigger: "dueIn", days: 3, text: "скоро срок")
        _ = try rule(crm, trigger: "status", status: "overdue", text: "просрочен")

        #expect(try crm.scheduler.runDates() == 0)  // due in 5 days
        fixture.clock.advance(by: 2 * 86_400)
        #expect(try crm.scheduler.runDates() == 1)  // due in 3
        #expect(try crm.scheduler.runDates() == 0)
        fixture.clock.advance(by: 3 * 86_400)
        #expect(try crm.scheduler.runDates() == 0)  // due today: not overdue yet
        fixture.clock.advance(by: 86_400)
        #expect(try crm.scheduler.runDates() == 1)  // past due
        #expect(try crm.scheduler.runDates() == 0)
        #expect(try comments(crm, invoice: unpaid.id) == ["скоро срок", "просрочен"])
        #expect(try comments(crm, invoice: paid.id).isEmpty)
    }

    @Test func anOverdueRuleDoesNotActOnInvoicesOverdueLongBeforeIt() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let today = Timestamp.parseDate(try crm.today())!
        let old = try crm.invoices.createFromDeal(.init(dealID: deal.id, date: Timestamp.formatDate(days: today - 40),
                                                        dueDate: Timestamp.formatDate(days: today - 30)), by: .user(1))
        let recent = try crm.invoices.createFromDeal(.init(dealID: deal.id, date: Timestamp.formatDate(days: today - 10),
                                                           dueDate: Timestamp.formatDate(days: today - 1)), by: .user(1))
        for invoice in [old, recent] { _ = try crm.invoices.setStatus(id: invoice.id, status: "sent", by: .user(1)) }
        _ = try rule(crm, trigger: "status", status: "overdue", text: "просрочен")
        #expect(try crm.scheduler.runDates() == 1)
        #expect(try comments(crm, invoice: recent.id) == ["просрочен"])
        #expect(try comments(crm, invoice: old.id).isEmpty)
    }
}

import JSONKit
import Storage

/// The built-in notification rules (`NotificationService.Rule`), as a change-funnel listener:
/// the notifications are written in the transaction of the change that causes them, so a
/// rolled-back payment notifies nobody.
///
/// - `invoicePaid`: an invoice's status became `paid` → its responsible (`assignedTo`);
/// - `paymentForMyDeal`: a payment was added to an invoice → the responsible of the invoice's
///   deal. When the same payment pays the invoice in full and that person also gets
///   `invoicePaid` for it, they get that one only: one payment, one notification per person.
///
/// Nobody is notified of their own change (`Caller.userID`), nor of a rule they switched off;
/// inactive users get nothing (`NotificationService.notify`).
struct NotificationListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        switch (change.entity, change.operation) {
        case (.invoice, .statusChanged):
            guard change.fields.contains(where: { $0.field == "status" && $0.new == "paid" && $0.old != "paid" }),
                  let invoiceID = change.id.int64Value, let invoice = try Self.invoice(db, invoiceID) else { return }
            try invoicePaid(invoice, change: change, db: db, crm: crm)
        case (.payment, .created):
            guard let owner = change.owner, owner.type == .invoice, let invoice = try Self.invoice(db, owner.id) else { return }
            try paymentCame(invoice, change: change, db: db, crm: crm)
        default:
            return
        }
    }

    /// What the rules tell of an invoice.
    struct Invoice {
        let id: Int64
        let number: String
        let total: String
        let currency: String
        let assignedTo: Int64?
        let dealID: Int64?
    }

    static func invoice(_ db: Database, _ id: Int64) throws -> Invoice? {
        try db.queryOne("SELECT number, total, currency, assigned_to, deal_id FROM invoices WHERE id = ?", [.integer(id)]).map { row in
            Invoice(id: id, number: try row.text("number"), total: try row.text("total"), currency: try row.text("currency"),
                    assignedTo: try row.optionalInt64("assigned_to"), dealID: try row.optionalInt64("deal_id"))
        }
    }

    /// Whether `userID` is to be told of `change` by `rule`: not their own change, and the rule on.
    private static func notifies(_ userID: Int64?, of change: Change, by rule: NotificationService.Rule, db: Database) throws -> Int64? {
        guard let userID, userID != change.caller.userID, try NotificationService.wants(db, userID: userID, rule),
              try UserStore.isActive(db, userID) == true else { return nil }
        return userID
    }

    private func invoicePaid(_ invoice: Invoice, change: Change, db: Database, crm: CRM) throws {
        guard let userID = try Self.notifies(invoice.assignedTo, of: change, by: .invoicePaid, db: db) else { return }
        var data: [String: JSON] = ["invoiceId": .int(invoice.id), "number": .string(invoice.number), "amount": .string(invoice.total),
                                    "currency": .string(invoice.currency)]
        if let dealID = invoice.dealID { data["dealId"] = .int(dealID) }
        try NotificationService.notify(db, crm: crm, userID: userID, kind: NotificationService.Rule.invoicePaid.rawValue,
                                       text: "Счёт № \(invoice.number) оплачен: \(invoice.total) \(invoice.currency)",
                                       record: RecordRef(.invoice, invoice.id), data: data)
    }

    private func paymentCame(_ invoice: Invoice, change: Change, db: Database, crm: CRM) throws {
        guard let dealID = invoice.dealID,
              let deal = try db.queryOne("SELECT title, assigned_to FROM deals WHERE id = ?", [.integer(dealID)]),
              let userID = try Self.notifies(try deal.optionalInt64("assigned_to"), of: change, by: .paymentForMyDeal, db: db)
        else { return }
        if userID == invoice.assignedTo, try Self.paysInFull(invoice, db: db),
           try Self.notifies(userID, of: change, by: .invoicePaid, db: db) != nil {
            return
        }
        let amount = change.data["payment"]?.stringValue ?? ""
        let title = try deal.optionalText("title") ?? ""
        var data: [String: JSON] = ["invoiceId": .int(invoice.id), "number": .string(invoice.number), "amount": .string(amount),
                                    "currency": .string(invoice.currency), "dealId": .int(dealID)]
        if let paymentID = change.id.int64Value { data["paymentId"] = .int(paymentID) }
        let dealName = title.isEmpty ? "№ \(dealID)" : "«\(title)»"
        try NotificationService.notify(db, crm: crm, userID: userID, kind: NotificationService.Rule.paymentForMyDeal.rawValue,
                                       text: "Поступила оплата \(amount) \(invoice.currency) по сделке \(dealName) (счёт № \(invoice.number))",
                                       record: RecordRef(.deal, dealID), data: data)
    }

    /// Whether the payments stored so far (this one included) cover the invoice's total.
    private static func paysInFull(_ invoice: Invoice, db: Database) throws -> Bool {
        let total = try StoredData.read("invoices", invoice.id) { try InvoiceStore.amount(invoice.total, "total") }
        var paid: Int64 = 0
        for row in try db.query("SELECT amount FROM invoice_payments WHERE invoice_id = ?", [.integer(invoice.id)]) {
            paid += try StoredData.read("invoice_payments", invoice.id) { try InvoiceStore.amount(try row.text("amount"), "amount") }
        }
        return paid >= total
    }
}

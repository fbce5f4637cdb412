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
            guard change.fields.contains(where: { $0.field == "status" && $0.new == "paid" && $0.old != "paid" }) else { return }
            // Nobody to tell when the invoice has no responsible or they paid it themselves.
            if let known = change.recordOwner, known.assignedTo == nil || known.assignedTo == change.caller.userID { return }
            guard let invoiceID = change.id.int64Value, let invoice = try InvoiceStore.notice(db, invoiceID) else { return }
            try invoicePaid(invoice, change: change, db: db, crm: crm)
        case (.payment, .created):
            guard let owner = change.owner, owner.type == .invoice, let invoice = try InvoiceStore.notice(db, owner.id) else { return }
            try paymentCame(invoice, change: change, db: db, crm: crm)
        case (.activity, .moved), (.activity, .cancelled):
            try meetingMoved(change, db: db, crm: crm)
        default:
            return
        }
    }

    typealias Invoice = InvoiceStore.Notice

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
        // The deal's responsible first (one column); the deal itself only for whom it notifies.
        guard let dealID = invoice.dealID, let owner = try RecordStore(entity: EntityDescriptor.deal).owner(db, dealID),
              let userID = try Self.notifies(owner.assignedTo, of: change, by: .paymentForMyDeal, db: db)
        else { return }
        if userID == invoice.assignedTo, try Self.paysInFull(invoice, change: change, db: db),
           try Self.notifies(userID, of: change, by: .invoicePaid, db: db) != nil {
            return
        }
        let amount = change.data["payment"]?.stringValue ?? ""
        let title = try RecordService.loadJSON(db, EntityDescriptor.deal, dealID)?["title"]?.stringValue ?? ""
        var data: [String: JSON] = ["invoiceId": .int(invoice.id), "number": .string(invoice.number), "amount": .string(amount),
                                    "currency": .string(invoice.currency), "dealId": .int(dealID)]
        if let paymentID = change.id.int64Value { data["paymentId"] = .int(paymentID) }
        let dealName = title.isEmpty ? "№ \(dealID)" : "«\(title)»"
        try NotificationService.notify(db, crm: crm, userID: userID, kind: NotificationService.Rule.paymentForMyDeal.rawValue,
                                       text: "Поступила оплата \(amount) \(invoice.currency) по сделке \(dealName) (счёт № \(invoice.number))",
                                       record: RecordRef(.deal, dealID), data: data)
    }

    /// Tells the people of a meeting or call (its responsible and participants, but not who moved
    /// it) that it moved or was called off, with the old and new times in each one's zone.
    private func meetingMoved(_ change: Change, db: Database, crm: CRM) throws {
        guard let id = change.id.int64Value, let activity = try ActivityStore.fetch(db, id), activity.type.isTimed else { return }
        let subject = activity.subject
        for person in activity.people {
            guard let userID = try Self.notifies(person, of: change, by: .meetingMoved, db: db) else { continue }
            let zone = try CalendarService.zone(db, user: userID)
            func shown(_ text: JSON?) -> String {
                guard let instant = text?.stringValue.flatMap(Timestamp.parse) else { return "—" }
                let (date, time) = WallClockText.local(instant, zone)
                return "\(date) в \(time)"
            }
            let text = change.operation == .cancelled
                ? "Отменена встреча «\(subject)» (\(shown(change.data["start"])))"
                : "Встреча «\(subject)» перенесена: \(shown(change.data["from"]?["start"])) → \(shown(change.data["start"]))"
            var data: [String: JSON] = ["activityId": .int(id), "start": change.data["start"] ?? .null]
            if let from = change.data["from"] { data["from"] = from }
            try NotificationService.notify(db, crm: crm, userID: userID, kind: NotificationService.Rule.meetingMoved.rawValue, text: text,
                                           record: activity.bindings.first, data: data)
        }
    }

    /// Whether this payment completes the invoice: what was paid before it (the invoice's `paid`
    /// is brought up to date after the payment's change) and it cover the total.
    private static func paysInFull(_ invoice: Invoice, change: Change, db: Database) throws -> Bool {
        guard let balance = try InvoiceStore.balance(db, invoice.id),
              let payment = try? Money.amount(change.data["payment"]?.stringValue ?? "", field: "payment") else { return false }
        return balance.paid + payment >= balance.total
    }
}

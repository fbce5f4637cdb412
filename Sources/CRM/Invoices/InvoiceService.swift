import JSONKit
import RussianFormats
import Storage

/// Invoices (S20–S23): created from a deal as a fixed snapshot, numbered by a gapless
/// sequence, paid in one or more payments, listed and filtered (the "Invoices" tab). An
/// invoice that is sent or partly paid becomes `overdue` when its due date has passed by the
/// CRM's clock in the company's time zone (`CompanyTime`).
package struct InvoiceService: Sendable {
    let crm: CRM

    package struct CreateInput: Sendable {
        package var dealID: Int64
        package var date: String?
        package var dueDate: String?
        package var payer: (type: EntityType, id: Int64)?
        package init(dealID: Int64, date: String? = nil, dueDate: String? = nil, payer: (type: EntityType, id: Int64)? = nil) {
            self.dealID = dealID
            self.date = date
            self.dueDate = dueDate
            self.payer = payer
        }
    }

    /// `invoice.createFromDeal`: 1001 lists everything missing (payer, products, payer's
    /// requisites, seller, seller's requisites and bank account) so a client can ask for all of it at once (S21).
    package func createFromDeal(_ input: CreateInput, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard let deal = try RecordService.loadJSON(db, EntityDescriptor.deal, input.dealID) else { throw CRMError.notFound("deal", input.dealID) }
            let settings = try SettingsService.load(db)
            var missing: [MissingField] = []
            let lines = try ProductRowStore.lines(db, input.dealID)
            if lines.isEmpty { missing.append(MissingField(field: "productRows", title: "Товары и услуги")) }

            var payer: JSON = .null
            let payerRef = input.payer ?? deal["companyId"]?.int64Value.map { (EntityType.company, $0) }
                ?? deal["contactId"]?.int64Value.map { (EntityType.contact, $0) }
            if let (type, id) = payerRef {
                guard let record = try RecordService.loadJSON(db, type.descriptor, id) else { throw CRMError.notFound(type.rawValue, id) }
                let requisite = try InvoiceParties.requisite(db, type, id)
                if type == .company && requisite == nil { missing.append(MissingField(field: "payer.requisites", title: "Реквизиты плательщика")) }
                payer = InvoiceParties.payer(type: type, record: record, requisite: requisite)
            } else {
                missing.append(MissingField(field: "payer", title: "Плательщик"))
            }

            var seller: JSON = .null
            if let sellerID = try InvoiceParties.sellerCompanyID(db, settings: settings),
               let company = try RecordService.loadJSON(db, EntityDescriptor.company, sellerID) {
                if let requisite = try InvoiceParties.requisite(db, .company, sellerID) {
                    if let bank = requisite["bankDetails"]?.arrayValue?.first {
                        seller = InvoiceParties.seller(company: company, requisite: requisite, bank: bank)
                    } else {
                        missing.append(MissingField(field: "seller.bank", title: "Банковский счёт продавца"))
                    }
                } else {
                    missing.append(MissingField(field: "seller.requisites", title: "Реквизиты продавца"))
                }
            } else {
                missing.append(MissingField(field: "seller", title: "Продавец (моя компания)"))
            }
            if !missing.isEmpty {
                throw CRMError.requiredFieldsMissing(entityType: "deal", id: input.dealID, stageId: nil, missing: missing)
            }
            try Self.requireOneVATMode(lines)

            let today = try crm.today(db)
            let date = try Self.date(input.date, field: "date") ?? today
            let dueDays = Int64(settings["invoiceDueDays"]?.intValue ?? 5)
            let dueDate = try Self.date(input.dueDate, field: "dueDate")
                ?? Timestamp.formatDate(days: (Timestamp.parseDate(date) ?? 0) + dueDays)
            guard Timestamp.parseDate(dueDate) != nil else {
                throw CRMError.invalidValue(field: "dueDate", reason: "tooLarge", message: "the default due date would be past 9999-12-31: give one")
            }
            let currency = deal["currency"]?.stringValue ?? "RUB"
            let totals = try InvoiceTotals.of(lines, field: "productRows")
            let (number, numberKey) = try InvoiceNumbering.next(db, format: settings["invoiceNumberFormat"]?.stringValue ?? "{YYYY}-{N:5}", date: date)
            var basis: String?
            if let contract = deal["contractNumber"]?.stringValue {
                basis = "Договор № \(contract)" + (deal["contractDate"]?.stringValue.map { " от \(InvoiceDocument.numericDate($0))" } ?? "")
            }
            let now = crm.nowText
            var state = RecordState()
            let values: [String: SQLValue] = [
                "number": .text(number), "date": .text(date), "dueDate": .text(dueDate), "status": .text("draft"),
                "dealId": .integer(input.dealID), "currency": .text(currency), "basis": SQLValue(basis),
                "payerName": SQLValue(payer["name"]?.stringValue), "payerInn": SQLValue(payer["inn"]?.stringValue),
                "payer": .text(payer.text), "seller": .text(seller.text),
                "rows": .text(JSON.array(lines.map(ProductRowService.rowJSON)).text), "totals": .text(totals.json(currency: currency).text),
                "total": .text(DecimalScaled.format(totals.total, scale: 2)), "paid": .text("0.00"),
                "amountInWords": .text(AmountInWords.rubles(kopecks: totals.total)),
                "createdAt": .text(now), "updatedAt": .text(now), "createdBy": SQLValue(caller.userID), "updatedBy": SQLValue(caller.userID),
                "version": .integer(1),
                // Whose the invoice is, as its deal's: the same people reach it.
                "assignedTo": SQLValue(deal["assignedTo"]?.int64Value), "opened": .integer(deal["opened"] == .bool(true) ? 1 : 0),
            ]
            state.columns = values
            let invoices = crm.records(.invoice)
            let id = try invoices.store.insert(db, state)
            try InvoiceStore.setNumberKey(db, invoiceID: id, key: numberKey)
            state.columns["id"] = .integer(id)
            let document: JSON = ["document": "invoice", "invoiceId": .int(id), "number": .string(number),
                                  "total": .string(DecimalScaled.format(totals.total, scale: 2))]
            try invoices.record(db, created: id, state: state, by: caller, at: now, owner: RecordRef(.deal, input.dealID),
                                data: ["dealId": .int(input.dealID), "document": document])
            return try invoice(db, id)
        }
    }

    /// The invoice, if `access` (when given) reaches it for reading.
    package func get(_ id: Int64, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            try crm.records(.invoice).check(access, .read, id: id, try crm.records(.invoice).load(db, id))
            return try invoice(db, id)
        }
    }

    /// Throws 1006 unless `access` reaches the invoice for `action` (1002 if there is none):
    /// judged before a call tells anything about it (its status, what is due).
    package func requireAccess(_ access: Access, _ action: PermissionAction, id: Int64) throws {
        guard !access.reach(.invoice, action).contains(.all) else { return }
        try crm.access.require(access, action, RecordRef(.invoice, id))
    }

    /// `invoice.list`: the record list of API.md, plus `status: "overdue"` as a filter.
    package func list(_ request: ListRequest, access: Access? = nil) throws -> JSON {
        var request = request
        let today = try crm.today()
        if request.filter["status"] == "overdue" || request.filter["overdue"] == .bool(true) {
            request.filter.removeValue(forKey: "status")
            request.filter.removeValue(forKey: "overdue")
            request.filter["@status"] = ["sent", "partiallyPaid"]
            request.filter["<dueDate"] = .string(today)
        } else if request.filter["overdue"] == .bool(false) {
            request.filter.removeValue(forKey: "overdue")
        }
        var page = try crm.records(.invoice).list(request, access: access)
        if case .array(let items)? = page["items"], case .object(var object) = page {
            object["items"] = .array(items.map { Self.withEffectiveStatus($0, today: today) })
            page = .object(object)
        }
        return page
    }

    /// `invoice.setStatus`: draft, sent or cancelled by hand; paid states come from payments.
    package func setStatus(id: Int64, status: String, by caller: Caller) throws -> JSON {
        guard ["draft", "sent", "cancelled"].contains(status) else {
            throw CRMError.invalidValue(field: "status", reason: "option",
                                        message: "set draft, sent or cancelled; paid and partiallyPaid follow payments, overdue the due date")
        }
        return try crm.pool.write { db in
            let current = try invoice(db, id)
            let stored = try Self.storedStatus(db, id)
            if ["paid", "partiallyPaid"].contains(stored) {
                throw CRMError.conflict(reason: "paid", details: ["status": .string(stored)])
            }
            guard stored != status else { return current }
            try setStoredStatus(db, id: id, status: status, by: caller, from: stored)
            return try invoice(db, id)
        }
    }

    /// `invoice.addPayment`: a partial payment makes it `partiallyPaid`, the last one `paid`.
    package func addPayment(id: Int64, amount: String, date: String, reference: String?, source: String = "manual", by caller: Caller) throws -> JSON {
        let payment = try Money.amount(amount, field: "amount")
        guard payment > 0 else {
            throw CRMError.invalidValue(field: "amount", reason: "format", message: "a payment is a positive amount with at most two decimals")
        }
        let money = Money(minor: payment)
        guard Timestamp.parseDate(date) != nil else { throw CRMError.invalidValue(field: "date", reason: "format", message: "a date YYYY-MM-DD") }
        return try crm.pool.write { db in
            _ = try addPayment(db, id: id, amount: money, date: date, reference: reference, source: source, by: caller)
            return try invoice(db, id)
        }
    }

    /// Adds a checked payment inside the caller's write (a bank statement's import adds several
    /// in one); returns the payment's id. 1005 for a cancelled or paid invoice, 1007
    /// `overpayment` for more than is due.
    func addPayment(_ db: Database, id: Int64, amount money: Money, date: String, reference: String?, source: String,
                    by caller: Caller) throws -> Int64 {
        guard let balance = try InvoiceStore.balance(db, id) else { throw CRMError.notFound("invoice", id) }
        let (status, total, alreadyPaid) = (balance.status, balance.total, balance.paid)
        if status == "cancelled" || status == "paid" { throw CRMError.conflict(reason: status, details: ["status": .string(status)]) }
        // Both within Money.maximum and paid ≤ total: neither the difference nor the new sum can overflow.
        let due = total - alreadyPaid
        if money.minor > due {
            throw CRMError.invalidValue(field: "amount", reason: "overpayment",
                                        message: "the payment exceeds what is due (\(DecimalScaled.format(due, scale: 2)))")
        }
        let paid = alreadyPaid + money.minor
        let now = crm.nowText
        let paymentID = try InvoiceStore.insertPayment(db, invoiceID: id, amount: money.decimalText, date: date, reference: reference,
                                                       source: source, at: now, by: caller.userID)
        let facts: [String: JSON] = ["payment": .string(money.decimalText), "date": .string(date), "reference": reference.map(JSON.string) ?? .null]
        var change = Change(.payment, id: .int(paymentID), .created, by: caller, at: now, owner: RecordRef(.invoice, id),
                            data: facts.merging(["source": .string(source)]) { a, _ in a })
        change.recordOwner = balance.owner
        try crm.apply(change, in: db)
        let paidText = DecimalScaled.format(paid, scale: 2)
        // Paid or partly paid follows from the payment: not a status change the caller must be allowed.
        try setStoredStatus(db, id: id, status: paid == total ? "paid" : "partiallyPaid", paid: paidText, by: caller.unlimited, from: status, extra: facts,
                            also: [FieldChange(field: "paid", old: .string(balance.paidText), new: .string(paidText))], owner: balance.owner)
        return paymentID
    }

    /// Stores a new status (and what is paid, when a payment changed it) and tells the funnel
    /// (the invoice and its deal's timeline show it); `owner` is the invoice's responsible and
    /// open mark when the caller has read them.
    func setStoredStatus(_ db: Database, id: Int64, status: String, paid: String? = nil, by caller: Caller, from old: String,
                         extra: [String: JSON] = [:], also: [FieldChange] = [], owner: RecordOwner? = nil) throws {
        let now = crm.nowText
        let dealID = try InvoiceStore.setStatus(db, id: id, status, paid: paid, at: now, by: caller.userID)
        var change = Change(.invoice, id: .int(id), .statusChanged, by: caller, at: now,
                            fields: [FieldChange(field: "status", old: .string(old), new: .string(status))] + also,
                            owner: dealID.map { RecordRef(.deal, $0) }, data: extra)
        change.recordOwner = owner
        try crm.apply(change, in: db)
    }

    /// The invoice with its payments, its closing documents (without files), what is still due,
    /// and its status as of today.
    func invoice(_ db: Database, _ id: Int64) throws -> JSON {
        guard let record = try RecordService.loadJSON(db, EntityDescriptor.invoice, id) else { throw CRMError.notFound("invoice", id) }
        let payments = try InvoiceStore.payments(db, invoiceID: id)
        guard case .object(var object) = Self.withEffectiveStatus(record, today: try crm.today(db)) else {
            return record
        }
        let (total, paid) = try StoredData.read("invoices", id) {
            (try InvoiceStore.amount(object["total"]?.stringValue, "total"), try InvoiceStore.amount(object["paid"]?.stringValue, "paid"))
        }
        object["due"] = .string(DecimalScaled.format(total - paid, scale: 2))
        object["payments"] = .array(payments)
        object["documents"] = .array(try InvoiceDocumentStore.list(db, invoiceID: id))
        object["messages"] = .array(try OutboxStore.messages(db, invoiceID: id))
        return .object(object)
    }

    /// The deal with its money (`money`: invoiced, paid, due, overdue, invoices, allPaid) worked
    /// out from its invoices that are not cancelled.
    package func withMoney(_ deal: JSON) throws -> JSON {
        guard case .object(var object) = deal, let id = object["id"]?.int64Value else { return deal }
        object["money"] = try crm.pool.read { db in try money(db, dealID: id) }
        return .object(object)
    }

    func money(_ db: Database, dealID: Int64) throws -> JSON {
        let rows = try InvoiceStore.moneyRows(db, dealID: dealID)
        let today = try crm.today(db)
        var invoiced: Int64 = 0, paid: Int64 = 0, overdue: Int64 = 0
        // Sums past the largest amount (1C's Число(15,2)) are refused like any other amount.
        do throws(AmountTooLarge) {
            for row in rows {
                invoiced = try Money.sum(invoiced, row.total, "invoiced")
                paid = try Money.sum(paid, row.paid, "paid")
                if ["sent", "partiallyPaid"].contains(row.status), let due = row.dueDate, due < today {
                    overdue = try Money.sum(overdue, row.total - row.paid, "overdue")
                }
            }
        } catch {
            throw CRMError.amountTooLarge(field: "money", error)
        }
        return [
            "invoiced": .string(DecimalScaled.format(invoiced, scale: 2)), "paid": .string(DecimalScaled.format(paid, scale: 2)),
            "due": .string(DecimalScaled.format(invoiced - paid, scale: 2)), "overdue": .string(DecimalScaled.format(overdue, scale: 2)),
            "invoices": .int(Int64(rows.count)), "allPaid": .bool(!rows.isEmpty && rows.allSatisfy { $0.status == "paid" }),
        ]
    }

    static func withEffectiveStatus(_ invoice: JSON, today: String) -> JSON {
        guard case .object(var object) = invoice, let status = object["status"]?.stringValue,
              status == "sent" || status == "partiallyPaid", let due = object["dueDate"]?.stringValue, due < today else { return invoice }
        object["status"] = "overdue"
        return .object(object)
    }

    /// The status an invoice has stored (not the effective `overdue`); 1002 if there is no such invoice.
    static func storedStatus(_ db: Database, _ id: Int64) throws -> String {
        guard let status = try InvoiceStore.status(db, id) else { throw CRMError.notFound("invoice", id) }
        return status
    }

    /// One meaning of the «Цена» and «Сумма» columns per invoice: rows taxed above 0 % either all
    /// have VAT inside their prices or all have it on top, else 1007 `mixedVatModes` on
    /// `productRows`. A 1C invoice carries one document-level flag «Цена включает НДС», so a mixed
    /// invoice could neither print consistent columns and totals nor be loaded into 1C as it is.
    /// Rows at 0 % or without VAT have no VAT to place and go with either.
    static func requireOneVATMode(_ lines: [InvoiceLine]) throws(CRMError) {
        let taxed = lines.filter { $0.vatRate.percent > 0 }
        guard taxed.contains(where: \.vatIncluded) && taxed.contains(where: { !$0.vatIncluded }) else { return }
        throw CRMError.invalidValue(field: "productRows", reason: "mixedVatModes",
                                    message: "the deal's rows mix VAT inside the price (vatIncluded true) and VAT on top (false); "
                                        + "an invoice has one: make the taxed rows' vatIncluded the same")
    }

    private static func date(_ text: String?, field: String) throws -> String? {
        guard let text else { return nil }
        guard Timestamp.parseDate(text) != nil else { throw CRMError.invalidValue(field: field, reason: "format", message: "a date YYYY-MM-DD") }
        return text
    }
}

extension CRM {
    package var invoices: InvoiceService { InvoiceService(crm: self) }
}

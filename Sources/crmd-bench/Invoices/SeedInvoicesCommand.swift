import CRM
import Foundation
import JSONKit

/// `crmd-bench seed-invoices`: fills a database in-process with invoices made by the CRM's
/// own `createFromDeal` (numbering, snapshot, indexes as in production), from deals of
/// varied payers, dates and amounts, for timing `invoice.list` at scale.
enum SeedInvoicesCommand {
    static let usage = """
        crmd-bench seed-invoices --db PATH [--invoices 1000000] [--payers 1000]
          the server must not be running on PATH
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["db", "invoices", "payers"], flags: [])
        let crm = try CRM(path: try options.required("db"), synchronousFull: false)
        defer { crm.close() }
        let count = try options.int("invoices", default: 1_000_000, min: 1)
        let payers = try options.int("payers", default: 1000, min: 1)
        let seller = try crm.records(.company).add(fields: ["title": "Видеосистемы", "isMyCompany": true], idempotencyKey: nil, by: .user(1, cause: .import("seed")))
        let requisite = try crm.requisites.add(.init(entityType: .company, entityID: seller["id"]?.int64Value ?? 0, preset: "legal", name: nil,
                                                     fields: ["inn": "7736207543", "shortName": "ООО «Видеосистемы»"], lookup: false, renameEntity: nil), by: .user(1, cause: .import("seed")))
        _ = try crm.bankDetails.add(requisiteID: requisite["id"]?.int64Value ?? 0, fields: ["bik": "044525593", "account": "40702810801400016513"],
                                    by: .user(1, cause: .import("seed")))
        var deals: [Int64] = []
        for number in 0..<payers {
            let buyer = try crm.records(.company).add(fields: ["title": .string("Клиент \(number)")], idempotencyKey: nil, by: .user(1, cause: .import("seed")))
            let buyerID = buyer["id"]?.int64Value ?? 0
            try crm.requisites.addMany([.init(entityType: .company, entityID: buyerID, preset: "legal", name: nil,
                                              fields: ["inn": .string(SeedCustomersCommand.inn(number)), "shortName": .string("ООО «Клиент \(number)»")],
                                              lookup: false, renameEntity: nil)], by: .user(1, cause: .import("seed")))
            let deal = try crm.records(.deal).add(fields: ["title": .string("Сделка \(number)"), "companyId": .int(buyerID)], idempotencyKey: nil, by: .user(1, cause: .import("seed")))
            let dealID = deal["id"]?.int64Value ?? 0
            _ = try crm.productRows.set(dealID: dealID, rows: [["name": "Работы", "price": .string("\(1000 + number * 37 % 90_000).50")]], by: .user(1, cause: .import("seed")))
            deals.append(dealID)
        }
        let started = Date()
        for index in 0..<count {
            let day = index % 365
            let date = Timestamp.formatDate(days: 20_454 + Int64(day))   // 2026-01-01 onward
            let invoice = try crm.invoices.createFromDeal(.init(dealID: deals[index % deals.count], date: date), by: .user(1, cause: .import("seed")))
            if index % 3 == 0, let id = invoice["id"]?.int64Value { _ = try crm.invoices.setStatus(id: id, status: "sent", by: .user(1, cause: .import("seed"))) }
            if (index + 1) % 50_000 == 0 { Format.warn("invoices: \(index + 1)") }
        }
        Format.warn(String(format: "seeded %d invoices in %.1f s", count, Date().timeIntervalSince(started)))
        return 0
    }
}

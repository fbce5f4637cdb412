import CRM
import Foundation
import JSONKit

/// `crmd-bench seed-customers`: fills a database in-process, through the CRM's own code paths
/// (`addMany`: validation, indexes and duplicate keys as every write has them), in batches of
/// one transaction each. Far faster than over the socket, for the scale runs of bench/customers.
enum SeedCustomersCommand {
    static let usage = """
        crmd-bench seed-customers --db PATH [--contacts 1000000] [--companies 1000000] [--leads 1000] [--batch 5000]
          contacts with distinct phones, e-mails and names; companies with titles and requisites (valid INNs);
          leads at CONSENT ready for lead.convert. The server must not be running on PATH.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["db", "contacts", "companies", "leads", "batch"], flags: [])
        let crm = try CRM(path: try options.required("db"), synchronousFull: false)
        defer { crm.close() }
        let batch = try options.int("batch", default: 5000, min: 1)
        let companies = try options.int("companies", default: 1_000_000)
        let contacts = try options.int("contacts", default: 1_000_000)
        let leads = try options.int("leads", default: 1000)
        let started = Date()
        try inBatches(companies, batch, "companies") { range in
            let ids = try crm.records(.company).addMany(range.map(company), by: .user(1, cause: .import("seed")))
            try crm.requisites.addMany(zip(range, ids).map { number, id in
                RequisiteService.AddInput(entityType: .company, entityID: id, preset: "legal", name: nil,
                                          fields: ["inn": .string(inn(number))], lookup: false, renameEntity: false)
            }, by: .user(1, cause: .import("seed")))
        }
        try inBatches(contacts, batch, "contacts") { range in _ = try crm.records(.contact).addMany(range.map(contact), by: .user(1, cause: .import("seed"))) }
        try inBatches(leads, batch, "leads") { range in _ = try crm.records(.lead).addMany(range.map(lead), by: .user(1, cause: .import("seed"))) }
        Format.warn(String(format: "seeded in %.1f s", Date().timeIntervalSince(started)))
        return 0
    }

    private static func inBatches(_ total: Int, _ size: Int, _ what: String, _ body: (Range<Int>) throws -> Void) throws {
        var start = 0
        while start < total {
            let end = min(total, start + size)
            try body(start..<end)
            start = end
            if start % 100_000 == 0 || start == total { Format.warn("\(what): \(start)") }
        }
    }

    static let cities = ["Москва", "Казань", "Тверь", "Самара", "Омск", "Пермь", "Тула", "Сочи"]
    static let names = ["Иван", "Пётр", "Анна", "Мария", "Олег", "Елена", "Сергей", "Ольга"]
    static let lastNames = ["Петров", "Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов"]

    /// A 10-digit organisation INN with a valid check digit, distinct per number.
    static func inn(_ number: Int) -> String {
        let body = String(format: "77%07d", number % 10_000_000)
        let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(sum % 11 % 10)
    }

    static func phone(_ prefix: Int, _ number: Int) -> String { String(format: "+7%03d%07d", prefix, number % 10_000_000) }

    static func company(_ number: Int) -> [String: JSON] {
        ["title": .string("ООО «Компания \(number)»"), "phones": [["value": .string(phone(495, number))]],
         "address": .string("\(cities[number % cities.count]), ул. Ленина, \(number % 200 + 1)")]
    }

    static func contact(_ number: Int) -> [String: JSON] {
        ["name": .string(names[number % names.count]), "lastName": .string("\(lastNames[number % lastNames.count])-\(number)"),
         "phones": [["value": .string(phone(916, number))]], "emails": [["value": .string("person\(number)@example.ru")]]]
    }

    static func lead(_ number: Int) -> [String: JSON] {
        ["title": .string("Заявка \(number)"), "name": "Лев", "lastName": .string("Новиков-\(number)"), "stageId": "CONSENT",
         "phones": [["value": .string(phone(926, number))]], "emails": [["value": .string("lead\(number)@example.ru")]],
         "city": .string(cities[number % cities.count]), "topic": "Видеонаблюдение", "clientType": "company",
         "companyTitle": .string("ООО «Новый клиент \(number)»")]
    }
}

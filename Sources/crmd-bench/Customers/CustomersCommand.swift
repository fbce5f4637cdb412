import JSONKit

/// `crmd-bench customers`: times `duplicate.find` by each key and `lead.convert`, one call at a
/// time on one connection, against a server on a database filled by `seed-customers`.
enum CustomersCommand {
    static let usage = """
        crmd-bench customers --socket PATH [--repeat 200] [--contacts N] [--companies N] [--json]
          duplicate.find by phone, e-mail, name, INN and title for numbers spread over the seeded
          range; then lead.convert of up to --repeat seeded leads at CONSENT.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "repeat", "contacts", "companies"], flags: ["json"])
        let client = try RPCClient(socket: try options.required("socket"))
        let repeats = try options.int("repeat", default: 200, min: 1)
        let contacts = try options.int("contacts", default: 1_000_000, min: 1)
        let companies = try options.int("companies", default: 1_000_000, min: 1)
        let numbers = (0..<repeats).map { ($0 * 7_919) % min(contacts, companies) }
        typealias Probe = (name: String, params: (Int) -> JSON)
        let probes: [Probe] = [
            ("contact by phone", { ["entityType": "contact", "phones": [.string("8 " + String(SeedCustomersCommand.phone(916, $0).dropFirst(2)))]] }),
            ("contact by e-mail", { ["entityType": "contact", "emails": [.string("PERSON\($0)@example.ru")]] }),
            ("contact by name", { n in ["entityType": "contact", "title": .string("\(SeedCustomersCommand.names[n % 8]) \(SeedCustomersCommand.lastNames[n % 8])-\(n)")] }),
            ("company by INN", { ["entityType": "company", "inn": .string(SeedCustomersCommand.inn($0))] }),
            ("company by title", { ["entityType": "company", "title": .string("Компания \($0) ООО")] }),
        ]
        var timings: [QueryCommand.Timing] = []
        for probe in probes {
            var samples: [UInt64] = []
            var found = 0
            for number in numbers {
                let reply = try client.exchange(client.request("duplicate.find", probe.params(number)))
                let result = try RPCClient.result(of: reply.line)
                if result["items"]?.arrayValue?.isEmpty == false { found += 1 }
                samples.append(reply.nanoseconds)
            }
            if found != numbers.count { Format.warn("warning: \(probe.name) found \(found) of \(numbers.count)") }
            timings.append(QueryCommand.Timing(name: "duplicate.find \(probe.name)", items: found, bytes: 0, cold: samples.first ?? 0,
                                               sorted: samples.sorted()))
        }
        let leads = try client.call("lead.list", ["filter": ["stageId": "CONSENT"], "select": ["id"], "limit": .int(min(repeats, 500))])
        var samples: [UInt64] = []
        for lead in leads["items"]?.arrayValue ?? [] {
            let reply = try client.exchange(client.request("lead.convert", ["id": lead["id"] ?? .null, "createMissingFields": true]))
            _ = try RPCClient.result(of: reply.line)
            samples.append(reply.nanoseconds)
        }
        timings.append(QueryCommand.Timing(name: "lead.convert", items: samples.count, bytes: 0, cold: samples.first ?? 0, sorted: samples.sorted()))
        QueryCommand.report(timings, repeats: repeats, json: options.has("json"))
        return 0
    }
}

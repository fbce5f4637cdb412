import JSONKit

/// `crmd-bench invoice-query`: times filtered pages of 50 of `invoice.list` (the Invoices tab).
enum InvoiceQueryCommand {
    static let usage = """
        crmd-bench invoice-query --socket PATH [--repeat 30] [--json]
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "repeat"], flags: ["json"])
        let client = try RPCClient(socket: try options.required("socket"))
        let repeats = try options.int("repeat", default: 30, min: 1)
        let queries: [QueryCommand.Query] = [
            .init(name: "status=sent order date desc", params: ["filter": ["status": "sent"], "order": ["date": "desc"], "limit": 50]),
            .init(name: "overdue", params: ["filter": ["status": "overdue"], "limit": 50]),
            .init(name: "payer INN", params: ["filter": ["payerInn": .string(SeedCustomersCommand.inn(17))], "limit": 50]),
            .init(name: "date range + total >= 50000", params: ["filter": [">=date": "2026-03-01", "<date": "2026-04-01", ">=total": "50000"], "limit": 50]),
            .init(name: "search payer name", params: ["search": "Клиент 42", "limit": 50]),
        ]
        var timings: [QueryCommand.Timing] = []
        for query in queries {
            var samples: [UInt64] = []
            var items = 0
            for _ in 0...repeats {
                let reply = try client.exchange(client.request("invoice.list", query.params))
                items = try RPCClient.result(of: reply.line)["items"]?.arrayValue?.count ?? 0
                samples.append(reply.nanoseconds)
            }
            let cold = samples.removeFirst()
            timings.append(QueryCommand.Timing(name: query.name, items: items, bytes: 0, cold: cold, sorted: samples.sorted()))
        }
        QueryCommand.report(timings, repeats: repeats, json: options.has("json"))
        return 0
    }
}

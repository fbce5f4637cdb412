import JSONKit

/// `crmd-bench query`: times the list calls of the scale target (a filtered, sorted page of
/// 50), each repeated, on one connection.
enum QueryCommand {
    static let usage = """
        crmd-bench query --socket PATH [--repeat 20] [--json]
          lead.list: stage + order by createdAt, %city contains, city = + order by id desc,
          full-text search, %title contains with no match, order by a field without an index
          (timed also when refused), search for one phone in three notations, and the second
          page of the first through its cursor.
        """

    struct Query {
        let name: String
        let params: JSON
        /// An error reply is timed and reported (`refused`) instead of failing the run: a
        /// server may refuse a sort it cannot serve from an index.
        var mayRefuse = false
    }

    static let firstPage: JSON = ["filter": ["stageId": "QUALIFICATION"], "order": ["createdAt": "desc"], "limit": 50]

    static let queries: [Query] = [
        Query(name: "stage=QUALIFICATION order createdAt desc", params: firstPage),
        Query(name: "%city contains 'моск'", params: ["filter": ["%city": "моск"], "limit": 50]),
        Query(name: "city='Казань' order id desc", params: ["filter": ["city": "Казань"], "order": ["id": "desc"], "limit": 50]),
        Query(name: "search 'Иван'", params: ["search": "Иван", "limit": 50]),
        Query(name: "%title contains with no match", params: ["filter": ["%title": "несуществующее"], "limit": 50]),
        Query(name: "order city asc (no index)", params: ["order": ["city": "asc"], "limit": 50], mayRefuse: true),
        // The seed gives lead n the phone +79 and n in nine digits: lead 123456 has +79000123456.
        Query(name: "search phone '+79000123456'", params: ["search": "+79000123456", "limit": 50]),
        Query(name: "search phone '89000123456'", params: ["search": "89000123456", "limit": 50]),
        Query(name: "search phone '+7 (900) 012-34-56'", params: ["search": "+7 (900) 012-34-56", "limit": 50]),
    ]

    struct Timing {
        let name: String
        let items: Int
        let bytes: Int
        let cold: UInt64
        let sorted: [UInt64]
        var median: UInt64 { Format.quantile(sorted, 0.5) }
        var p99: UInt64 { Format.quantile(sorted, 0.99) }
        var maximum: UInt64 { sorted.last ?? 0 }
    }

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "repeat"], flags: ["json"])
        let socket = try options.required("socket")
        let repeats = try options.int("repeat", default: 20, min: 1)
        let client = try RPCClient(socket: socket)
        var timings: [Timing] = []
        var cursor: JSON = .null
        for query in queries {
            let (timing, next) = try measure(client, query, repeats: repeats)
            timings.append(timing)
            if query.name == queries[0].name { cursor = next }
        }
        if let cursorText = cursor.stringValue, case .object(var params) = firstPage {
            params["cursor"] = .string(cursorText)
            let (timing, _) = try measure(client, Query(name: "second page via cursor", params: .object(params)), repeats: repeats)
            timings.append(timing)
        } else {
            Format.warn("warning: the first query returned no cursor (fewer than 51 leads?); no second page timed")
        }
        report(timings, repeats: repeats, json: options.has("json"))
        return 0
    }

    /// One untimed call (its time reported as `cold`), then `repeats` timed ones.
    static func measure(_ client: RPCClient, _ query: Query, repeats: Int) throws -> (Timing, JSON) {
        let first = try client.exchange(client.request("lead.list", query.params))
        let result: JSON
        var name = query.name
        do {
            result = try RPCClient.result(of: first.line)
        } catch where query.mayRefuse {
            result = .null
            name += " refused"
        }
        var samples: [UInt64] = []
        for _ in 0..<repeats {
            let reply = try client.exchange(client.request("lead.list", query.params))
            let keys = reply.line.withUnsafeBufferPointer { MessageScanner.scan($0.baseAddress!, $0.count) }
            if (!keys.hasResult || keys.hasError) && !(query.mayRefuse && result == .null) {
                _ = try RPCClient.result(of: reply.line)
            }
            samples.append(reply.nanoseconds)
        }
        let timing = Timing(name: name, items: result["items"]?.arrayValue?.count ?? -1, bytes: first.line.count,
                            cold: first.nanoseconds, sorted: samples.sorted())
        return (timing, result["next"] ?? .null)
    }

    static func report(_ timings: [Timing], repeats: Int, json: Bool) {
        let object: JSON = ["repeat": Format.integer(repeats), "queries": .array(timings.map { t in
            ["name": .string(t.name), "items": Format.integer(t.items), "bytes": Format.integer(t.bytes),
             "coldMs": Format.milliseconds(t.cold), "medianMs": Format.milliseconds(t.median),
             "p99Ms": Format.milliseconds(t.p99), "maxMs": Format.milliseconds(t.maximum)]
        })]
        let lines = timings.map { t in
            "query \(t.name): median \(Format.ms(t.median)) ms  p99 \(Format.ms(t.p99)) ms  max \(Format.ms(t.maximum)) ms"
                + "  first \(Format.ms(t.cold)) ms  (\(t.items) items, \(t.bytes) bytes, \(repeats) runs)"
        }
        Format.emit(lines.joined(separator: "\n"), json: json ? object : nil)
    }
}

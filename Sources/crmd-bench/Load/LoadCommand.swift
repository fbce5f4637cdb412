import JSONKit

/// `crmd-bench load`: drives a server with one request shape and reports throughput and
/// latency percentiles.
enum LoadCommand {
    static let usage = """
        crmd-bench load --socket PATH|--http URL|--websocket URL --method lead.get|lead.add|lead.update|METHOD
                        [--params JSON] [--next-page] [--connections N] [--depth D] [--seconds S] [--warmup S]
                        [--ids A..B] [--id-step K] [--token SECRET] [--timeout S] [--label TEXT] [--server-pid PID] [--json]
          lead.get: ids round-robin over --ids (default 1..10000), every --id-step-th (1); lead.add:
          complete leads, a distinct phone each; lead.update: lead 1's source, a new value each time;
          any other METHOD (e.g. lead.list): the same --params (default {}) each time, or with
          --next-page the page after them (one call first, then --params plus its `next` as `cursor`).
          --token: each connection first signs in with session.login and stops unless it succeeds.
          --http http://HOST:PORT/rpc: the bridge's POST /rpc, one keep-alive connection each, requests
          pipelined up to --depth; --websocket ws://HOST:PORT/rpc: its WebSocket, one text frame a call.
          Both need --token (an API token, sent as Authorization: Bearer); --next-page needs --socket.
          Defaults: 1 connection, depth 1, 10 s after 2 s of warm-up, 10 s reply timeout.
          --server-pid also reports that process's CPU use (from /proc) over the window.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "http", "websocket", "method", "params", "connections", "depth", "seconds", "warmup",
                                                       "ids", "id-step", "token", "timeout", "label", "server-pid"],
                                  flags: ["json", "next-page"])
        let endpoint = try parseEndpoint(options)
        let method = try options.required("method")
        let connections = try options.int("connections", default: 1, min: 1)
        let depth = try options.int("depth", default: 1, min: 1)
        guard depth <= LoadDriver.maxDepth else {
            throw Options.UsageError(description: "--depth is at most \(LoadDriver.maxDepth)")
        }
        let seconds = try options.double("seconds", default: 10)
        let warmup = try options.double("warmup", default: 2)
        let timeout = try options.double("timeout", default: 10)
        let ids = try options.range("ids", default: 1...10_000)
        let idStep = UInt64(try options.int("id-step", default: 1, min: 1))
        let token = options.string("token")
        if case .socket = endpoint {} else if token == nil {
            throw Options.UsageError(description: "--\(endpoint.transport) needs --token (an API token from token.add)")
        }
        let serverPID = options.string("server-pid") == nil ? nil : Int32(try options.int("server-pid", default: 0, min: 1))
        let source: TemplateRequest
        let stride: UInt64
        switch method {
        case "lead.get":
            source = .leadGet(ids: ids, step: idStep)
            stride = ((ids.upperBound - ids.lowerBound) / idStep + 1) / UInt64(connections)
        case "lead.add":
            source = .leadAdd()
            stride = 10_000_000 / UInt64(connections)
        case "lead.update":
            source = .leadUpdate()
            stride = 10_000_000 / UInt64(connections)
        default:
            var params = try fixedParams(options.string("params") ?? "{}")
            if options.has("next-page") {
                guard case .socket(let socket) = endpoint else { throw Options.UsageError(description: "--next-page needs --socket") }
                params = try nextPage(socket: socket, token: token, method: method, params: params)
            }
            source = .fixed(method: method, params: params)
            stride = 0
        }
        let control = RunControl()
        let summary = try LoadDriver.run(endpoint: endpoint, connections: connections, depth: depth, source: source,
                                         control: control, indexStride: stride, warmup: warmup, duration: seconds,
                                         readTimeout: timeout, serverPID: serverPID, token: token)
        let label = options.string("label") ?? method
        report(summary, label: label, method: method, transport: endpoint.transport, connections: connections, depth: depth,
               json: options.has("json"))
        return summary.windowReplies > 0 ? 0 : 1
    }

    /// Exactly one of `--socket`, `--http` and `--websocket`.
    static func parseEndpoint(_ options: Options) throws -> LoadEndpoint {
        let given = ["socket", "http", "websocket"].filter { options.string($0) != nil }
        guard given.count == 1 else {
            throw Options.UsageError(description: "give one of --socket PATH, --http URL and --websocket URL")
        }
        if let path = options.string("socket") { return .socket(path: path) }
        if let url = options.string("http") { return .http(try BridgeURL(url, schemes: ["http"])) }
        return .webSocket(try BridgeURL(options.string("websocket")!, schemes: ["ws"]))
    }

    /// `--params`: a JSON object.
    static func fixedParams(_ text: String) throws -> JSON {
        guard let params = try? JSON.parse(text), case .object = params else {
            throw Options.UsageError(description: "--params takes a JSON object, not '\(text)'")
        }
        return params
    }

    /// `params` with the `cursor` of the page that one call of `method` with `params` returns as
    /// `next` (called on a connection of its own, signed in with `token` like the load's).
    static func nextPage(socket: String, token: String?, method: String, params: JSON) throws -> JSON {
        let client = try RPCClient(socket: socket)
        if let token { try client.login(token: token) }
        guard let next = try client.call(method, params)["next"]?.stringValue, case .object(var fields) = params else {
            throw RPCError(description: "--next-page: \(method) \(params.text) returned no `next` cursor")
        }
        fields["cursor"] = .string(next)
        return .object(fields)
    }

    static func report(_ s: LoadSummary, label: String, method: String, transport: String, connections: Int, depth: Int,
                       json: Bool) {
        let h = s.histogram
        var object: [String: JSON] = [
            "label": .string(label), "method": .string(method), "transport": .string(transport),
            "connections": Format.integer(connections), "depth": Format.integer(depth),
            "seconds": Format.number(s.seconds), "replies": Format.integer(s.windowReplies),
            "throughput": Format.number(s.throughput, 1),
            "p50Ms": Format.milliseconds(h.value(atQuantile: 0.50)),
            "p90Ms": Format.milliseconds(h.value(atQuantile: 0.90)),
            "p99Ms": Format.milliseconds(h.value(atQuantile: 0.99)),
            "p999Ms": Format.milliseconds(h.value(atQuantile: 0.999)),
            "maxMs": Format.milliseconds(h.maximum),
            "meanMs": Format.number(h.mean / 1e6),
            "errors": Format.integer(s.errorReplies), "unexpected": Format.integer(s.unexpectedReplies),
            "stalls": Format.integer(s.stalls), "failures": Format.integer(s.failures.count),
            "clientCpu": Format.number(s.clientCPU, 2),
        ]
        if let first = s.firstErrorReply { object["firstError"] = .string(first) }
        if let server = s.serverCPU { object["serverCpu"] = Format.number(server, 2) }
        let human = "\(label) conns=\(connections) depth=\(depth): \(Format.fixed(s.throughput, 0)) req/s"
            + "  p50 \(Format.ms(h.value(atQuantile: 0.5))) ms  p90 \(Format.ms(h.value(atQuantile: 0.9))) ms"
            + "  p99 \(Format.ms(h.value(atQuantile: 0.99))) ms  max \(Format.ms(h.maximum)) ms"
            + "  errors \(s.errorReplies + s.unexpectedReplies)  (\(s.windowReplies) replies in \(Format.fixed(s.seconds, 2)) s,"
            + " client CPU \(Format.fixed(s.clientCPU * 100, 0)) %"
            + (s.serverCPU.map { ", server CPU \(Format.fixed($0 * 100, 0)) %" } ?? "") + ")"
        Format.emit(human, json: json ? .object(object) : nil)
        warnAboutProblems(s)
    }

    static func warnAboutProblems(_ s: LoadSummary) {
        if s.errorReplies + s.unexpectedReplies > 0 {
            Format.warn("warning: \(s.errorReplies) error repl(ies), \(s.unexpectedReplies) unexpected; first: \(s.firstErrorReply ?? "?")")
        }
        for failure in Set(s.failures).sorted() {
            let count = s.failures.filter { $0 == failure }.count
            Format.warn("warning: \(count) connection(s): \(failure)")
        }
    }
}

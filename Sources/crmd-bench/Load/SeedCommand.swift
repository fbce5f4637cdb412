import JSONKit

/// `crmd-bench seed`: fills a running server with varied leads through pipelined `lead.add`.
enum SeedCommand {
    static let usage = """
        crmd-bench seed --socket PATH --leads N [--connections 16] [--depth 4] [--first K] [--timeout S]
                        [--server-pid PID] [--json]
          N varied leads (50 cities, Moscow ~10 %; names; stages NEW/QUALIFICATION/OFFER_SENT),
          numbered from --first (default 0) so that phones stay distinct across runs. Progress on stderr.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "leads", "connections", "depth", "first", "timeout", "server-pid"],
                                  flags: ["json"])
        let socket = try options.required("socket")
        let leads = try options.int("leads", default: 0, min: 1)
        let connections = try options.int("connections", default: 16, min: 1)
        let depth = try options.int("depth", default: 4, min: 1)
        let first = UInt64(try options.int("first", default: 0))
        let timeout = try options.double("timeout", default: 30)
        let serverPID = options.string("server-pid") == nil ? nil : Int32(try options.int("server-pid", default: 0, min: 1))
        let control = RunControl(limit: UInt64(leads))
        let source = OffsetSource(base: SeedRequest(), offset: first)
        let summary = try LoadDriver.run(
            endpoint: .socket(path: socket), connections: connections, depth: depth, source: source, control: control,
            indexStride: 0, warmup: 0, duration: nil, readTimeout: timeout, serverPID: serverPID,
            progress: { elapsed in
                let done = control.replies.load(ordering: .relaxed)
                let errors = control.errorReplies.load(ordering: .relaxed)
                Format.warn("seed: \(done)/\(leads) leads (\(done * 100 / UInt64(leads)) %), "
                            + "\(Format.fixed(Double(done) / elapsed, 0)) leads/s, errors \(errors)")
            })
        let ok = summary.totalReplies - summary.errorReplies
        let rate = summary.seconds > 0 ? Double(ok) / summary.seconds : 0
        let json: JSON = [
            "leads": Format.integer(ok), "errors": Format.integer(summary.errorReplies + summary.unexpectedReplies),
            "seconds": Format.number(summary.seconds), "throughput": Format.number(rate, 1),
            "p99Ms": Format.milliseconds(summary.histogram.value(atQuantile: 0.99)),
        ]
        Format.emit("seeded \(ok) leads in \(Format.fixed(summary.seconds, 1)) s: \(Format.fixed(rate, 0)) leads/s"
                    + " (\(connections) connections, depth \(depth); errors \(summary.errorReplies + summary.unexpectedReplies)"
                    + (summary.serverCPU.map { "; server CPU \(Format.fixed($0 * 100, 0)) %" } ?? "") + ")",
                    json: options.has("json") ? json : nil)
        LoadCommand.warnAboutProblems(summary)
        let complete = ok == UInt64(leads) && summary.failures.isEmpty
        return complete ? 0 : 1
    }
}

/// Shifts request numbers by a fixed offset.
struct OffsetSource<Base: RequestSource>: RequestSource {
    let base: Base
    let offset: UInt64

    @inline(__always)
    func append(index: UInt64, id: UInt64, to buffer: ByteBuffer) {
        base.append(index: index &+ offset, id: id, to: buffer)
    }
}

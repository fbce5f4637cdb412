import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The merged result of one run of `PipelinedConnection`s.
struct LoadSummary {
    var histogram = LatencyHistogram()
    var windowReplies: UInt64 = 0
    var totalReplies: UInt64 = 0
    var errorReplies: UInt64 = 0
    var unexpectedReplies: UInt64 = 0
    var stalls = 0
    var failures: [String] = []
    var firstErrorReply: String?
    /// Length of the measurement window.
    var seconds: Double = 0
    /// Load-generator CPU time over the window, as a fraction of one core.
    var clientCPU: Double = 0
    /// The server's CPU time over the window (with `serverPID`), as a fraction of one core.
    var serverCPU: Double?

    var throughput: Double { seconds > 0 ? Double(windowReplies) / seconds : 0 }
}

/// Opens the connections, runs one thread per connection and coordinates the phases: warm-up
/// (nothing recorded), the measurement window, then stop-and-drain.
enum LoadDriver {
    /// The most requests a connection keeps in flight: the slot rides in the id's low 16 bits.
    static let maxDepth = 1 << 16

    /// Runs `source` over `connections` × `depth`. With `duration`, measures for that long
    /// after `warmup`; without, runs until the control's limit is used up (seeding), calling
    /// `progress` about once a second. With `token`, each connection first signs in with it.
    static func run<Source: RequestSource>(
        endpoint: LoadEndpoint, connections: Int, depth: Int, source: Source, control: RunControl,
        indexStride: UInt64, warmup: Double, duration: Double?, readTimeout: Double, serverPID: Int32? = nil,
        token: String? = nil, progress: ((_ elapsed: Double) -> Void)? = nil
    ) throws -> LoadSummary {
        var workers: [any LoadWorker] = []
        for k in 0..<connections {
            workers.append(try endpoint.openWorker(source: source, depth: depth, control: control,
                                                   firstIndex: UInt64(k) &* indexStride, readTimeout: readTimeout, token: token))
        }
        let finished = Finished()
        let started = MonotonicClock.now()
        if duration == nil { control.windowStart.store(started, ordering: .relaxed) }
        let threads = workers.map { worker in
            OSThread {
                worker.run()
                finished.count.wrappingAdd(1, ordering: .releasing)
            }
        }

        var summary = LoadSummary()
        let windowStart: UInt64
        let cpuStart: UInt64
        let windowEnd: UInt64
        let cpuEnd: UInt64
        var serverStart: UInt64?
        var serverEnd: UInt64?
        if let duration {
            MonotonicClock.sleep(seconds: warmup)
            cpuStart = ProcessCPU.nanoseconds()
            serverStart = serverPID.flatMap(OtherProcessCPU.nanoseconds(pid:))
            windowStart = MonotonicClock.now()
            control.windowStart.store(windowStart, ordering: .relaxed)
            let deadline = windowStart + UInt64(duration * 1e9)
            while MonotonicClock.now() < deadline && finished.count.load(ordering: .acquiring) < connections {
                MonotonicClock.sleep(seconds: min(0.05, Double(deadline - min(deadline, MonotonicClock.now())) / 1e9))
            }
            windowEnd = MonotonicClock.now()
            control.windowEnd.store(windowEnd, ordering: .relaxed)
            cpuEnd = ProcessCPU.nanoseconds()
            serverEnd = serverPID.flatMap(OtherProcessCPU.nanoseconds(pid:))
            control.stopSending.store(true, ordering: .relaxed)
        } else {
            cpuStart = ProcessCPU.nanoseconds()
            serverStart = serverPID.flatMap(OtherProcessCPU.nanoseconds(pid:))
            windowStart = started
            var lastReport = started
            while finished.count.load(ordering: .acquiring) < connections {
                MonotonicClock.sleep(seconds: 0.05)
                let now = MonotonicClock.now()
                if now - lastReport >= 1_000_000_000 {
                    lastReport = now
                    progress?(Double(now - started) / 1e9)
                }
            }
            windowEnd = MonotonicClock.now()
            cpuEnd = ProcessCPU.nanoseconds()
            serverEnd = serverPID.flatMap(OtherProcessCPU.nanoseconds(pid:))
        }
        for thread in threads { thread.join() }
        for worker in workers {
            let outcome = worker.outcome
            summary.histogram.merge(outcome.histogram)
            summary.windowReplies += outcome.windowReplies
            summary.totalReplies += outcome.totalReplies
            summary.errorReplies += outcome.errorReplies
            summary.unexpectedReplies += outcome.unexpectedReplies
            if outcome.stalled { summary.stalls += 1 }
            if let failure = outcome.failure { summary.failures.append(failure) }
            if summary.firstErrorReply == nil { summary.firstErrorReply = outcome.firstErrorReply }
        }
        for worker in workers { close(worker.descriptor) }
        summary.seconds = Double(windowEnd - windowStart) / 1e9
        summary.clientCPU = summary.seconds > 0 ? Double(cpuEnd - cpuStart) / 1e9 / summary.seconds : 0
        if let serverStart, let serverEnd, summary.seconds > 0 {
            summary.serverCPU = Double(serverEnd - serverStart) / 1e9 / summary.seconds
        }
        return summary
    }

    private final class Finished: Sendable {
        let count = Atomic<Int>(0)
    }
}

import Foundation
import JSONKit
#if canImport(Glibc)
import Glibc
#endif

/// `crmd-bench startup`: how long crmd takes from spawn to answering `server.info`, and how
/// much memory it holds after a few list calls.
enum StartupCommand {
    static let usage = """
        crmd-bench startup --crmd BIN --db PATH [--repeat 10] [--config FILE] [--timeout S] [--json]
          spawns BIN serve --socket <tmp> --db PATH, polls connect every 1 ms, times server.info,
          runs the list queries once, reads VmRSS/VmHWM, sends SIGTERM and waits for exit.
        """

    struct Run {
        let ready: UInt64
        let rssKB: Int
        let hwmKB: Int
        let shutdown: UInt64
        let status: Int32
    }

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["crmd", "db", "repeat", "config", "timeout"], flags: ["json"])
        let binary = try options.required("crmd")
        let database = try options.required("db")
        let repeats = try options.int("repeat", default: 10, min: 1)
        let timeout = try options.double("timeout", default: 60)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var runs: [Run] = []
        for index in 0..<repeats {
            var arguments = ["serve", "--socket", "\(directory)/crmd-\(index).sock", "--db", database]
            if let config = options.string("config") { arguments += ["--config", config] }
            runs.append(try measure(binary: binary, arguments: arguments, socket: arguments[2],
                                    log: directory + "/crmd.log", timeout: timeout))
        }
        report(runs, json: options.has("json"))
        return runs.allSatisfy { $0.status == 0 } ? 0 : 1
    }

    static func temporaryDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/crmd-startup.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemError("mkdtemp in \(base)")
        }
        return String(cString: made)
    }

    static func measure(binary: String, arguments: [String], socket: String, log: String, timeout: Double) throws -> Run {
        let start = MonotonicClock.now()
        let child = try ChildProcess(executable: binary, arguments: arguments, log: log)
        let deadline = start + UInt64(timeout * 1e9)
        var client: RPCClient?
        while client == nil {
            if let status = child.exitStatusIfEnded() {
                throw RPCError(description: "crmd ended (\(ChildProcess.describe(status))) before answering; log:\n\(logTail(log))")
            }
            if let fd = try? UnixSocket.connect(path: socket) {
                client = RPCClient(connected: fd, timeout: timeout)
            } else if MonotonicClock.now() > deadline {
                child.signal(SIGKILL)
                _ = child.wait()
                throw RPCError(description: "crmd did not listen within \(timeout) s; log:\n\(logTail(log))")
            } else {
                MonotonicClock.sleep(seconds: 0.001)
            }
        }
        guard let client else { fatalError("unreachable") }
        let info: JSON
        do {
            info = try client.call("server.info")
        } catch {
            child.signal(SIGKILL)
            _ = child.wait()
            throw RPCError(description: "server.info failed: \(error); log:\n\(logTail(log))")
        }
        let ready = MonotonicClock.now() - start
        guard info["name"]?.stringValue == "crmd" else { throw RPCError(description: "unexpected server.info: \(info.text)") }
        for query in QueryCommand.queries where !query.mayRefuse { _ = try client.call("lead.list", query.params) }
        _ = try? client.call("lead.get", ["id": 1])
        let memory = child.memory() ?? (rss: -1, hwm: -1)
        let stopping = MonotonicClock.now()
        child.signal(SIGTERM)
        let status = child.wait()
        let shutdown = MonotonicClock.now() - stopping
        if status != 0 { Format.warn("warning: crmd ended with \(ChildProcess.describe(status)) after SIGTERM") }
        return Run(ready: ready, rssKB: memory.rss, hwmKB: memory.hwm, shutdown: shutdown, status: status)
    }

    static func logTail(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    static func report(_ runs: [Run], json: Bool) {
        let ready = runs.map(\.ready).sorted()
        let shutdown = runs.map(\.shutdown).sorted()
        let rss = runs.map(\.rssKB).max() ?? -1
        let hwm = runs.map(\.hwmKB).max() ?? -1
        let failed = runs.filter { $0.status != 0 }.count
        let object: JSON = [
            "runs": Format.integer(runs.count),
            "medianMs": Format.milliseconds(Format.quantile(ready, 0.5)), "maxMs": Format.milliseconds(ready.last ?? 0),
            "minMs": Format.milliseconds(ready.first ?? 0),
            "rssMB": Format.number(Double(rss) / 1024, 1), "hwmMB": Format.number(Double(hwm) / 1024, 1),
            "shutdownMedianMs": Format.milliseconds(Format.quantile(shutdown, 0.5)),
            "shutdownMaxMs": Format.milliseconds(shutdown.last ?? 0),
            "failedExits": Format.integer(failed),
        ]
        Format.emit("startup: median \(Format.ms(Format.quantile(ready, 0.5))) ms  min \(Format.ms(ready.first ?? 0)) ms"
                    + "  max \(Format.ms(ready.last ?? 0)) ms over \(runs.count) runs;"
                    + " after list calls VmRSS \(Format.fixed(Double(rss) / 1024, 1)) MB, VmHWM \(Format.fixed(Double(hwm) / 1024, 1)) MB;"
                    + " SIGTERM→exit median \(Format.ms(Format.quantile(shutdown, 0.5))) ms; non-zero exits \(failed)",
                    json: json ? object : nil)
    }
}

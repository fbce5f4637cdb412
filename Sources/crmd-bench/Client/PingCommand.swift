import JSONKit

/// `crmd-bench ping`: waits until a server answers `server.info` (scripts use it to know
/// that crmd is ready) and prints the result.
enum PingCommand {
    static let usage = """
        crmd-bench ping --socket PATH [--timeout 30]
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "timeout"])
        let socket = try options.required("socket")
        let timeout = try options.double("timeout", default: 30)
        let deadline = MonotonicClock.now() + UInt64(timeout * 1e9)
        var lastError = "no attempt"
        while MonotonicClock.now() < deadline {
            do {
                let info = try RPCClient(socket: socket).call("server.info")
                print(info.text)
                return 0
            } catch {
                lastError = "\(error)"
                MonotonicClock.sleep(seconds: 0.01)
            }
        }
        Format.warn("crmd-bench ping: no answer from \(socket) within \(timeout) s: \(lastError)")
        return 1
    }
}

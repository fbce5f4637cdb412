import Mail

/// A local program named by `sms.commandPath` in crmd's config file (never by a call), run as
/// `program <number>` with the text on its stdin. Exit 0 means sent; 75 (EX_TEMPFAIL), a program
/// that cannot be started or does not finish within `timeout` (it is killed) are temporary; any
/// other exit is a permanent failure with the program's stderr as the reason.
struct CommandTransport: SMSTransport {
    var name: String { "command" }
    let path: String
    let timeout: Duration

    func send(to number: String, text: String) throws(SMSDeliveryError) -> SMSReceipt {
        switch ChildProcess.run(path, arguments: [number], input: Array(text.utf8), timeout: timeout) {
        case .exited(0, _):
            return SMSReceipt(gatewayID: nil)
        case .exited(let status, let stderr):
            let reason = stderr.isEmpty ? "\(path) exited with status \(status)" : String(stderr.prefix(500))
            throw SMSDeliveryError(code: "exit\(status)", reason: reason, isTemporary: status == 75)
        case .couldNotStart(let reason):
            throw .temporary("notStarted", reason)
        case .timedOut:
            throw .temporary("timeout", "\(path) did not finish within \(timeout.components.seconds) s; killed")
        }
    }
}

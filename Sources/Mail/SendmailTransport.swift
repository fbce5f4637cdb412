/// Delivers messages by piping `rendered()` to a sendmail-compatible command
/// (`/usr/sbin/sendmail -t -i` by default: recipients from the headers, "." lines kept).
///
/// The rule it keeps: the message counts as handed over only when the command exits with 0;
/// any other exit is `.sendmailFailed` with the command's stderr (status 75, EX_TEMPFAIL, is
/// temporary; 127 means the command could not be started). The command's stdin is a socket
/// written with MSG_NOSIGNAL, so a command that exits early never raises SIGPIPE here. A
/// command still running after `timeout` is killed and the attempt is a temporary failure
/// (status 75): a hung sendmail never holds delivery, or a stopping server, for good.
public struct SendmailTransport: MailTransport {
    public var path: String
    public var arguments: [String]
    public var timeout: Duration

    public init(path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-i"], timeout: Duration = .seconds(60)) {
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
    }

    public func send(_ message: MailMessage) throws(MailError) {
        switch ChildProcess.run(path, arguments: arguments, input: message.rendered(), timeout: timeout) {
        case .exited(0, _):
            return
        case .exited(let status, let stderr):
            throw .sendmailFailed(status: status, stderr: stderr)
        case .couldNotStart(let reason):
            throw .sendmailFailed(status: 127, stderr: reason)
        case .timedOut:
            throw .sendmailFailed(status: 75, stderr: "\(path) did not finish within \(timeout.components.seconds) s; killed")
        }
    }
}

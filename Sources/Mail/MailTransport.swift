/// Something that delivers a `MailMessage`: an SMTP server or a local sendmail command.
///
/// The rule it keeps: `send` blocks until the message is accepted by the next hop or fails with
/// a `MailError`; it is meant to be called on a dedicated thread, never on a cooperative-pool task.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) throws(MailError)
}

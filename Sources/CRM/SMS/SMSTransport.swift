/// Something that hands one SMS to the network: SMS.ru, another HTTP gateway, or a local
/// program. `send` blocks until the gateway has answered or the attempt failed; it is called
/// on the background jobs' thread, never on a cooperative-pool task.
protocol SMSTransport: Sendable {
    /// The transport's name as `settings.sms.transport` gives it.
    var name: String { get }
    func send(to number: String, text: String) throws(SMSDeliveryError) -> SMSReceipt
}

/// What a gateway answered for a message it took.
struct SMSReceipt: Sendable, Equatable {
    /// The gateway's id of the message (SMS.ru's `sms_id`), when it gives one.
    var gatewayID: String?
}

/// Why a transport did not hand a message over: the gateway's code (`202`, `http503`,
/// `timeout`, `exit75`…) and reason, and whether a later attempt may succeed.
///
/// The rule it keeps: only failures after which the message can have not been sent are
/// temporary (no answer, an answer saying "try later"); a refusal that names the message or the
/// account is permanent, so a message is never sent twice because an error was retried.
struct SMSDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    let code: String
    let reason: String
    let isTemporary: Bool

    static func temporary(_ code: String, _ reason: String) -> SMSDeliveryError {
        SMSDeliveryError(code: code, reason: reason, isTemporary: true)
    }

    static func permanent(_ code: String, _ reason: String) -> SMSDeliveryError {
        SMSDeliveryError(code: code, reason: reason, isTemporary: false)
    }

    var description: String { "\(code): \(reason)" }
}

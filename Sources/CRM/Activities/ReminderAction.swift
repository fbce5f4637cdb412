import JSONKit

/// What a reminder does before an activity starts (S6).
package enum ReminderAction: Sendable, Equatable {
    /// Texts each of the activity's client contacts (a contact's or lead's first phone).
    case sms(text: String)
    /// E-mails the client contacts (their first e-mail) or the responsible.
    case email(to: Recipient, subject: String, text: String)
    /// Notifies the responsible.
    case notify(text: String)

    package enum Recipient: String, Sendable {
        case client, responsible
    }

    package init(_ json: JSON) throws {
        func text(_ key: String = "text") throws -> String {
            guard let text = json[key]?.stringValue, !text.isEmpty else {
                throw CRMError.invalidValue(field: "action.\(key)", reason: "required", message: "the action needs \(key)")
            }
            return text
        }
        switch json["type"]?.stringValue {
        case "sms": self = .sms(text: try text())
        case "notify":
            if let to = json["to"], to != "responsible" {
                throw CRMError.invalidValue(field: "action.to", reason: "notApplicable", message: "a reminder notifies the activity's responsible")
            }
            self = .notify(text: try text())
        case "email":
            guard let to = Recipient(rawValue: json["to"]?.stringValue ?? "client") else {
                throw CRMError.invalidValue(field: "action.to", reason: "format", message: "a reminder e-mails the client or the responsible")
            }
            self = .email(to: to, subject: try text("subject"), text: try text())
        case let other:
            throw CRMError.invalidValue(field: "action.type", reason: "unsupported",
                                        message: "a reminder's action is sms, email or notify, not '\(other ?? "")'")
        }
    }

    package var json: JSON {
        switch self {
        case .sms(let text): ["type": "sms", "text": .string(text)]
        case .email(let to, let subject, let text): ["type": "email", "to": .string(to.rawValue), "subject": .string(subject), "text": .string(text)]
        case .notify(let text): ["type": "notify", "to": "responsible", "text": .string(text)]
        }
    }
}

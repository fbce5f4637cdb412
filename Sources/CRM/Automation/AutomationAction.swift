import JSONKit

/// What a robot does. Each action is one case; adding SMS, e-mail, tasks or webhooks adds a
/// case here and its `perform`, nothing else in the engine changes.
package enum AutomationAction: Sendable, Equatable {
    /// Writes a comment on the record's timeline; `text` may hold `{{entity.field}}` placeholders.
    case comment(text: String)
    /// Makes a notification (`notification.*`) for a person; `text` may hold placeholders.
    case notify(to: Recipient, text: String)

    /// Whom a `notify` action tells.
    package enum Recipient: Sendable, Equatable {
        /// The record's responsible (`assignedTo`) when the robot runs; nobody when it has none.
        case responsible
        /// This user.
        case user(Int64)

        var json: JSON {
            switch self {
            case .responsible: "responsible"
            case .user(let id): .int(id)
            }
        }
    }

    /// Moves the deal an invoice was made from into `stageId` (S28); with `whenAllPaid`, only
    /// once every invoice of the deal that is not cancelled is paid. A stage whose required
    /// fields the deal lacks leaves it where it is and tells its responsible what is missing.
    case moveDeal(stageId: String, whenAllPaid: Bool)
    /// Sets a field of the record (a lead's or deal's own; an invoice robot's deal's), e.g. a
    /// deal's comments or a custom field (`custom.<code>`); `value` as `update` takes it.
    case setField(field: String, value: JSON)
    /// Queues an e-mail (the outbox of S22) to the invoice's payer or the record's responsible;
    /// `subject` and `text` may hold placeholders.
    case email(to: MailRecipient, subject: String, text: String)

    /// Creates a task or call for the record's responsible, bound to the record (an invoice
    /// robot's: to its deal): a task due `after` seconds after the robot runs, or a call
    /// starting then and lasting `duration` seconds. `subject` may hold placeholders.
    case activity(type: Activity.Kind, subject: String, description: String?, after: Int64, duration: Int64)
    /// The issue's name for a robot's task: `activity` with a task, kept under its own name.
    case task(subject: String, description: String?, after: Int64)
    /// Queues a text message (the SMS outbox) to the record's client or its responsible; `text`
    /// may hold placeholders.
    case sms(to: PhoneRecipient, text: String)
    /// POSTs the run (`{ruleId, entityType, id, trigger, at, record}`) to `url`, signed per
    /// Standard Webhooks with `secret` (`whsec_…`), from the robots' webhook outbox.
    case webhook(url: String, secret: String)

    /// Whom an `sms` action texts.
    package enum PhoneRecipient: String, Sendable, Equatable {
        /// A lead's own first phone; a deal's contact's (else its company's); an invoice's payer's.
        case client
        /// The record's responsible, at the phone in their profile.
        case responsible
    }

    /// The action's name in the API and the robot log.
    package var type: String { json["type"]?.stringValue ?? "" }

    /// Whom an `email` action writes to.
    package enum MailRecipient: String, Sendable, Equatable {
        /// The invoice's payer, at its first e-mail (invoice robots only).
        case payer
        /// The record's responsible, at their e-mail in their profile.
        case responsible
    }

    /// The action of a rule as stored and as given to `automation.add`, or 1007 if unknown.
    package init(_ json: JSON) throws {
        switch json["type"]?.stringValue {
        case "comment":
            self = .comment(text: try Self.text(json, of: "a comment"))
        case "notify":
            let recipient: Recipient
            switch json["to"] {
            case "responsible"?: recipient = .responsible
            case let to? where to.int64Value.map({ $0 > 0 }) == true: recipient = .user(to.int64Value!)
            default:
                throw CRMError.invalidValue(field: "action.to", reason: "format", message: "to is \"responsible\" or a user id")
            }
            self = .notify(to: recipient, text: try Self.text(json, of: "a notify"))
        case "moveDeal":
            guard let stage = json["stageId"]?.stringValue, !stage.isEmpty else {
                throw CRMError.invalidValue(field: "action.stageId", reason: "required", message: "a moveDeal action needs stageId")
            }
            self = .moveDeal(stageId: stage, whenAllPaid: json["whenAllPaid"]?.boolValue ?? false)
        case "setField":
            guard let field = json["field"]?.stringValue, !field.isEmpty else {
                throw CRMError.invalidValue(field: "action.field", reason: "required", message: "a setField action needs field")
            }
            self = .setField(field: field, value: json["value"] ?? .null)
        case "email":
            guard let to = json["to"]?.stringValue.flatMap(MailRecipient.init(rawValue:)) else {
                throw CRMError.invalidValue(field: "action.to", reason: "format", message: "to is \"payer\" or \"responsible\"")
            }
            guard let subject = json["subject"]?.stringValue, !subject.isEmpty else {
                throw CRMError.invalidValue(field: "action.subject", reason: "required", message: "an email action needs a subject")
            }
            self = .email(to: to, subject: subject, text: try Self.text(json, of: "an email"))
        case "activity":
            guard let kind = Activity.Kind(rawValue: json["activityType"]?.stringValue ?? "task"), kind != .meeting else {
                throw CRMError.invalidValue(field: "action.activityType", reason: "option", message: "a robot creates a task or a call")
            }
            guard let subject = json["subject"]?.stringValue, !subject.isEmpty else {
                throw CRMError.invalidValue(field: "action.subject", reason: "required", message: "an activity action needs a subject")
            }
            let after = json["in"]?.int64Value ?? 86_400, duration = json["duration"]?.int64Value ?? 900
            guard (0...(366 * 86_400)).contains(after), (60...(8 * 3600)).contains(duration) else {
                throw CRMError.invalidValue(field: "action.in", reason: "range", message: "in is 0 to 366 days and duration 1 minute to 8 hours, in seconds")
            }
            self = .activity(type: kind, subject: subject, description: json["description"]?.stringValue, after: after, duration: duration)
        case "task":
            guard let subject = json["subject"]?.stringValue, !subject.isEmpty else {
                throw CRMError.invalidValue(field: "action.subject", reason: "required", message: "a task action needs a subject")
            }
            let after = json["in"]?.int64Value ?? 86_400
            guard (0...(366 * 86_400)).contains(after) else {
                throw CRMError.invalidValue(field: "action.in", reason: "range", message: "in is 0 to 366 days, in seconds")
            }
            self = .task(subject: subject, description: json["description"]?.stringValue, after: after)
        case "sms":
            guard let to = PhoneRecipient(rawValue: json["to"]?.stringValue ?? "client") else {
                throw CRMError.invalidValue(field: "action.to", reason: "format", message: "to is \"client\" or \"responsible\"")
            }
            self = .sms(to: to, text: try Self.text(json, of: "an sms"))
        case "webhook":
            guard let url = json["url"]?.stringValue else {
                throw CRMError.invalidValue(field: "action.url", reason: "required", message: "a webhook action needs url")
            }
            do {
                try WebhookService.validate(url: url)
            } catch CRMError.invalidValue(_, let reason, let message) {
                throw CRMError.invalidValue(field: "action.url", reason: reason, message: message)
            }
            guard let secret = json["secret"]?.stringValue else {
                throw CRMError.invalidValue(field: "action.secret", reason: "required", message: "a webhook action needs its secret")
            }
            do {
                self = .webhook(url: url, secret: try WebhookService.checked(secret))
            } catch CRMError.invalidValue(_, let reason, let message) {
                throw CRMError.invalidValue(field: "action.secret", reason: reason, message: message)
            }
        case let other:
            throw CRMError.invalidValue(field: "action.type", reason: "unsupported",
                                        message: "unsupported action type '\(other ?? "")'")
        }
    }

    private static func text(_ json: JSON, of action: String) throws -> String {
        guard let text = json["text"]?.stringValue, !text.isEmpty else {
            throw CRMError.invalidValue(field: "action.text", reason: "required", message: "\(action) action needs text")
        }
        return text
    }

    /// The action of a rule as stored (`automation_rules.action`); text that is not JSON or
    /// not an action throws, for the reader to report as unreadable stored data.
    static func stored(_ text: String) throws -> AutomationAction {
        try AutomationAction(try StoredData.json(text, "action"))
    }

    package var json: JSON {
        switch self {
        case .comment(let text): ["type": "comment", "text": .string(text)]
        case .notify(let to, let text): ["type": "notify", "to": to.json, "text": .string(text)]
        case .moveDeal(let stage, let whenAllPaid): ["type": "moveDeal", "stageId": .string(stage), "whenAllPaid": .bool(whenAllPaid)]
        case .setField(let field, let value): ["type": "setField", "field": .string(field), "value": value]
        case .email(let to, let subject, let text): ["type": "email", "to": .string(to.rawValue), "subject": .string(subject), "text": .string(text)]
        case .activity(let type, let subject, let description, let after, let duration):
            ["type": "activity", "activityType": .string(type.rawValue), "subject": .string(subject),
             "description": description.map(JSON.string) ?? .null, "in": .int(after), "duration": .int(duration)]
        case .task(let subject, let description, let after):
            ["type": "task", "subject": .string(subject), "description": description.map(JSON.string) ?? .null, "in": .int(after)]
        case .sms(let to, let text): ["type": "sms", "to": .string(to.rawValue), "text": .string(text)]
        case .webhook(let url, let secret): ["type": "webhook", "url": .string(url), "secret": .string(secret)]
        }
    }
}

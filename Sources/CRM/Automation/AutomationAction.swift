import JSONKit

/// What a robot does. Each action is one case; adding SMS, e-mail, tasks or webhooks adds a
/// case here and its `perform`, nothing else in the engine changes.
package enum AutomationAction: Sendable, Equatable {
    /// Writes a comment on the record's timeline; `text` may hold `{{entity.field}}` placeholders.
    case comment(text: String)
    /// Moves the deal an invoice was made from into `stageId` (S28); with `whenAllPaid`, only
    /// once every invoice of the deal that is not cancelled is paid. A stage whose required
    /// fields the deal lacks leaves it where it is and tells its responsible what is missing.
    case moveDeal(stageId: String, whenAllPaid: Bool)

    /// The action of a rule as stored and as given to `automation.add`, or 1007 if unknown.
    package init(_ json: JSON) throws {
        switch json["type"]?.stringValue {
        case "comment":
            guard let text = json["text"]?.stringValue, !text.isEmpty else {
                throw CRMError.invalidValue(field: "action.text", reason: "required", message: "a comment action needs text")
            }
            self = .comment(text: text)
        case "moveDeal":
            guard let stage = json["stageId"]?.stringValue, !stage.isEmpty else {
                throw CRMError.invalidValue(field: "action.stageId", reason: "required", message: "a moveDeal action needs stageId")
            }
            self = .moveDeal(stageId: stage, whenAllPaid: json["whenAllPaid"]?.boolValue ?? false)
        case let other:
            throw CRMError.invalidValue(field: "action.type", reason: "unsupported",
                                        message: "unsupported action type '\(other ?? "")'")
        }
    }

    /// The action of a rule as stored (`automation_rules.action`); text that is not JSON or
    /// not an action throws, for the reader to report as unreadable stored data.
    static func stored(_ text: String) throws -> AutomationAction {
        try AutomationAction(try StoredData.json(text, "action"))
    }

    package var json: JSON {
        switch self {
        case .comment(let text): ["type": "comment", "text": .string(text)]
        case .moveDeal(let stage, let whenAllPaid): ["type": "moveDeal", "stageId": .string(stage), "whenAllPaid": .bool(whenAllPaid)]
        }
    }
}

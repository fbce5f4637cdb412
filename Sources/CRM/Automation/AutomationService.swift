import JSONKit
import Storage

/// Robots per pipeline stage: `automation.add/list/update/delete`.
package struct AutomationService: Sendable {
    let crm: CRM

    package struct RuleInput: Sendable {
        package var entityType: EntityType
        package var pipelineID: Int64?
        package var stageID: String?
        package var trigger: String
        package var delaySeconds: Int64
        package var action: JSON
        package var title: String?
        package var active: Bool
        /// For an invoice rule: the status it waits for (stored where a stage rule keeps its stage).
        package var status: String?
        package var condition: JSON?
        /// For a `dueIn` invoice rule: how many days before the due date it acts.
        package var days: Int64?
        package init(entityType: EntityType, pipelineID: Int64?, stageID: String?, trigger: String, delaySeconds: Int64,
                     action: JSON, title: String?, active: Bool, status: String? = nil, condition: JSON? = nil, days: Int64? = nil) {
            self.entityType = entityType
            self.pipelineID = pipelineID
            self.stageID = stageID
            self.trigger = trigger
            self.delaySeconds = delaySeconds
            self.action = action
            self.title = title
            self.active = active
            self.status = status
            self.condition = condition
            self.days = days
        }
    }

    /// Adds a rule. A `webhook` action without a secret gets one, shown in this result only.
    package func add(_ input: RuleInput, by caller: Caller) throws -> JSON {
        var input = input
        let secret = Self.secreted(&input.action, stored: nil)
        let (checkedInput, action, condition) = try checked(input)
        return try crm.pool.write { db in
            let pipelineID = try validate(db, checkedInput, action)
            try validate(db, action)
            let rule = try rule(db, try AutomationStore.insertRule(db, checkedInput, pipelineID: pipelineID, action: action, condition: condition,
                                                                   at: crm.nowText))
            try crm.apply(Change(.automation, id: rule["id"] ?? .null, .created, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences(.object([:]), rule, ignoring: ["id", "createdAt"])), in: db)
            return Self.showing(secret, in: rule)
        }
    }

    /// Changes a rule. A `webhook` action given back as `get` shows it (its secret masked, or
    /// none) keeps the secret it had; one that had none gets one, shown in this result only.
    package func update(id: Int64, _ input: RuleInput, by caller: Caller) throws -> JSON {
        let stored = try crm.pool.read { db in try AutomationStore.rule(db, id: id)?.action }
        var input = input
        let secret = Self.secreted(&input.action, stored: stored)
        let (checkedInput, action, condition) = try checked(input)
        return try crm.pool.write { db in
            let old = try rule(db, id)
            let pipelineID = try validate(db, checkedInput, action)
            try validate(db, action)
            try AutomationStore.updateRule(db, id: id, checkedInput, pipelineID: pipelineID, action: action, condition: condition)
            let new = try rule(db, id)
            var changes = FieldChange.differences(old, new)
            if secret != nil || (stored?["secret"] != nil && stored?["secret"] != input.action["secret"]) {
                changes.append(FieldChange(field: "action.secret", old: "********", new: "********"))
            }
            try crm.apply(Change(.automation, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db)
            return Self.showing(secret, in: new)
        }
    }

    /// What a webhook action's secret reads as outside the result that made it.
    static let maskedSecret = "********"

    /// Fills in a `webhook` action's secret: the stored one when `action` gives none or the mask
    /// (the stored action's, if it is a webhook's), else a new one, returned to be shown once.
    private static func secreted(_ action: inout JSON, stored: JSON?) -> String? {
        guard action["type"]?.stringValue == "webhook", var object = action.objectValue else { return nil }
        let given = object["secret"]?.stringValue
        if given != nil && given != maskedSecret { return nil }
        if stored?["type"]?.stringValue == "webhook", let kept = stored?["secret"] {
            object["secret"] = kept
            action = .object(object)
            return nil
        }
        let made = WebhookService.generateSecret()
        object["secret"] = .string(made)
        action = .object(object)
        return made
    }

    private static func showing(_ secret: String?, in rule: JSON) -> JSON {
        guard let secret, var shown = rule.objectValue, var action = shown["action"]?.objectValue else { return rule }
        action["secret"] = .string(secret)
        shown["action"] = .object(action)
        return .object(shown)
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try rule(db, id) } }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            _ = try rule(db, id)
            try AutomationStore.deleteRule(db, id: id)
            try crm.apply(Change(.automation, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func list(entityType: EntityType?) throws -> JSON {
        try crm.pool.read { db in
            ["items": .array(try AutomationStore.rules(db, entityType: entityType).map(Self.json))]
        }
    }

    /// The action and condition read from `input`; an invoice rule's status moved to where a
    /// stage rule keeps its stage.
    private func checked(_ input: RuleInput) throws -> (RuleInput, AutomationAction, AutomationCondition?) {
        var input = input
        let action = try AutomationAction(input.action)
        let condition = try input.condition.flatMap { $0 == .null ? nil : try AutomationCondition($0, entity: input.entityType.descriptor) }
        if input.entityType == .invoice {
            if input.pipelineID != nil || (input.stageID != nil && input.stageID != input.status) {
                throw CRMError.invalidValue(field: "stageId", reason: "notApplicable", message: "invoices have statuses, not pipelines and stages")
            }
            switch input.trigger {
            case "status":
                guard let status = input.status, AutomationEngine.invoiceStatuses.contains(status) else {
                    throw CRMError.invalidValue(field: "status", reason: "option",
                                                message: "an invoice rule waits for a status: \(AutomationEngine.invoiceStatuses.joined(separator: ", "))")
                }
                if input.days != nil { throw CRMError.invalidValue(field: "days", reason: "notApplicable", message: "days go with the dueIn trigger") }
                input.stageID = status
            case "dueIn":
                guard let days = input.days, (0...365).contains(days) else {
                    throw CRMError.invalidValue(field: "days", reason: "required", message: "a dueIn rule needs days, 0 to 365")
                }
                if input.status != nil { throw CRMError.invalidValue(field: "status", reason: "notApplicable", message: "a dueIn rule waits for a date") }
                input.stageID = nil
            default:
                throw CRMError.invalidValue(field: "trigger", reason: "option", message: "an invoice rule's trigger is status or dueIn")
            }
        } else if input.trigger == "idle" {
            guard let days = input.days, (1...365).contains(days) else {
                throw CRMError.invalidValue(field: "days", reason: "required", message: "an idle rule needs days, 1 to 365")
            }
            if input.stageID == nil {
                throw CRMError.invalidValue(field: "stageId", reason: "required", message: "an idle rule watches one stage")
            }
            if input.delaySeconds != 0 {
                throw CRMError.invalidValue(field: "delay", reason: "notApplicable", message: "an idle rule acts when its days have passed")
            }
        } else if input.status != nil || input.days != nil {
            throw CRMError.invalidValue(field: input.status != nil ? "status" : "days", reason: "notApplicable",
                                        message: "only invoice rules wait for a status or a due date")
        }
        return (input, action, condition)
    }

    /// The pipeline the rule belongs to (given, or the stage's), after checking both exist.
    private func validate(_ db: Database, _ input: RuleInput, _ action: AutomationAction) throws -> Int64? {
        if case .moveDeal(let stage, _) = action {
            guard input.entityType == .invoice else {
                throw CRMError.invalidValue(field: "action.type", reason: "notApplicable", message: "moveDeal moves the deal of an invoice: an invoice rule's action")
            }
            guard try PipelineStore.containing(db, .deal, stageId: stage) != nil else {
                throw CRMError.invalidValue(field: "action.stageId", reason: "unknownStage", message: "no deal stage '\(stage)'")
            }
        }
        if case .setField(let field, _) = action {
            // An invoice is a snapshot: its robot sets a field of its deal.
            let target = input.entityType == .invoice ? EntityType.deal : input.entityType
            let known: Bool
            if field.hasPrefix("custom.") {
                known = try CustomFieldService.definitions(db, target).contains { "custom." + $0.name == field }
            } else {
                known = target.descriptor.field(field).map { !$0.isReadOnly } == true && !["stageId", "pipelineId"].contains(field)
            }
            guard known else {
                throw CRMError.invalidValue(field: "action.field", reason: "unknownField",
                                            message: "\(target.rawValue) has no field '\(field)' a robot may set (stages move with moveDeal or a stage robot)")
            }
        }
        if case .email(.payer, _, _) = action, input.entityType != .invoice {
            throw CRMError.invalidValue(field: "action.to", reason: "notApplicable", message: "only an invoice has a payer to write to")
        }
        if input.entityType == .invoice { return nil }
        guard input.entityType.descriptor.hasStages else {
            throw CRMError.invalidValue(field: "entityType", reason: "noStages", message: "\(input.entityType.rawValue) has no stages")
        }
        guard ["create", "enter", "idle"].contains(input.trigger) else {
            throw CRMError.invalidValue(field: "trigger", reason: "option", message: "trigger must be create, enter or idle")
        }
        if let stageID = input.stageID {
            guard let pipeline = try PipelineStore.containing(db, input.entityType, stageId: stageID) else {
                throw CRMError.invalidValue(field: "stageId", reason: "unknownStage", message: "no stage '\(stageID)'")
            }
            if let given = input.pipelineID, given != pipeline.id {
                throw CRMError.invalidValue(field: "stageId", reason: "otherPipeline", message: "stage '\(stageID)' is not in pipeline \(given)")
            }
            return pipeline.id
        }
        if input.trigger == "enter" {
            throw CRMError.invalidValue(field: "stageId", reason: "required", message: "an enter rule needs a stage")
        }
        if let given = input.pipelineID, try PipelineStore.pipeline(db, given) == nil { throw CRMError.notFound("pipeline", given) }
        return input.pipelineID
    }

    /// A `notify` action's user must exist (1007 `unknownUser` on `action.to`).
    private func validate(_ db: Database, _ action: AutomationAction) throws {
        if case .notify(.user(let userID), _) = action, try !UserStore.exists(db, userID) {
            throw CRMError.invalidValue(field: "action.to", reason: "unknownUser", message: "no user \(userID)")
        }
    }

    private func rule(_ db: Database, _ id: Int64) throws -> JSON {
        guard let rule = try AutomationStore.rule(db, id: id) else { throw CRMError.notFound("automation", id) }
        return Self.json(rule)
    }

    /// The action as shown: a webhook's secret masked.
    private static func masked(_ action: JSON) -> JSON {
        guard action["type"]?.stringValue == "webhook", var object = action.objectValue else { return action }
        object["secret"] = .string(maskedSecret)
        return .object(object)
    }

    private static func json(_ rule: AutomationStore.Rule) -> JSON {
        let invoice = rule.entityType == .invoice
        return [
            "id": .int(rule.id), "entityType": .string(rule.entityType.rawValue),
            "pipelineId": rule.pipelineID.map(JSON.int) ?? .null, "stageId": invoice ? .null : rule.stageID.map(JSON.string) ?? .null,
            "status": invoice ? rule.stageID.map(JSON.string) ?? .null : .null, "days": rule.days.map(JSON.int) ?? .null,
            "trigger": .string(rule.trigger.rawValue), "delay": .int(rule.delay), "action": masked(rule.action),
            "condition": rule.condition ?? .null,
            "title": rule.title.map(JSON.string) ?? .null, "active": .bool(rule.active), "createdAt": .string(rule.createdAt),
            "before": .null, "activityType": .null, "ifLate": .null,
        ]
    }
}

extension CRM {
    package var automation: AutomationService { AutomationService(crm: self) }
}

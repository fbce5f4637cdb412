import CRM
import JSONKit

/// `automation.*`: robots per stage (S6, S13).
enum AutomationMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("automation.add") { params, context in
                if try params.optionalString("entityType") == "activity" {
                    return try crm.reminders.add(try reminder(params, over: nil), by: context.caller)
                }
                return try crm.automation.add(try input(params, over: nil), by: context.caller)
            },
            Method("automation.get") { params, _ in
                let id = try params.int64("id")
                return try crm.reminders.isReminder(id) ? try crm.reminders.get(id) : try crm.automation.get(id)
            },
            Method("automation.update") { params, context in
                let id = try params.int64("id")
                if try crm.reminders.isReminder(id) {
                    return try crm.reminders.update(id, try reminder(params, over: try crm.reminders.get(id)), by: context.caller)
                }
                return try crm.automation.update(id: id, try input(params, over: try crm.automation.get(id)), by: context.caller)
            },
            Method("automation.delete") { params, context in
                let id = try params.int64("id")
                return try crm.reminders.isReminder(id) ? try crm.reminders.delete(id, by: context.caller)
                    : try crm.automation.delete(id, by: context.caller)
            },
            Method("automation.log") { params, context in
                try crm.automation.log(entityType: try params.optionalString("entityType"), id: try params.optionalInt64("id"),
                                       ruleID: try params.optionalInt64("ruleId"), limit: Int(try params.optionalInt64("limit") ?? 50),
                                       cursor: try params.optionalString("cursor"), access: context.access)
            },
            Method("automation.list") { params, _ in
                let type = try params.optionalString("entityType")
                if type == "activity" { return ["items": .array(try crm.reminders.list())] }
                var rules = try crm.automation.list(entityType: type.flatMap(EntityType.init(rawValue:)))["items"]?.arrayValue ?? []
                if type == nil { rules = (rules + (try crm.reminders.list())).sorted { ($0["id"]?.int64Value ?? 0) < ($1["id"]?.int64Value ?? 0) } }
                return ["items": .array(rules)]
            },
        ]
    }

    /// A reminder (an activity rule) from params; for an update, absent params keep the current values.
    private static func reminder(_ params: Params, over current: JSON?) throws -> ReminderService.RuleInput {
        func value(_ key: String) -> JSON? { params.object.keys.contains(key) ? params.object[key] : current?[key] }
        if let trigger = value("trigger")?.stringValue, trigger != "beforeStart" {
            throw CRMError.invalidValue(field: "trigger", reason: "option", message: "an activity rule's trigger is beforeStart")
        }
        for key in ["pipelineId", "stageId", "status", "condition", "days"] where params.object[key].map({ $0 != .null }) == true {
            throw CRMError.invalidValue(field: key, reason: "notApplicable", message: "an activity rule has no \(key)")
        }
        guard let before = value("before")?.int64Value else {
            throw CRMError.invalidValue(field: "before", reason: "required", message: "an activity rule needs before: seconds before the start")
        }
        var type: Activity.Kind?
        if let name = value("activityType")?.stringValue {
            guard let kind = Activity.Kind(rawValue: name) else {
                throw CRMError.invalidValue(field: "activityType", reason: "option", message: "activityType is meeting or call")
            }
            type = kind
        }
        guard let ifLate = ReminderService.IfLate(rawValue: value("ifLate")?.stringValue ?? "send") else {
            throw CRMError.invalidValue(field: "ifLate", reason: "option", message: "ifLate is send or skip")
        }
        return ReminderService.RuleInput(activityType: type, before: before, ifLate: ifLate, action: value("action") ?? .null,
                                         title: value("title")?.stringValue, active: value("active")?.boolValue ?? true)
    }

    /// A rule from params; for an update, absent params keep the current rule's values.
    private static func input(_ params: Params, over current: JSON?) throws -> AutomationService.RuleInput {
        func value(_ key: String) -> JSON? { params.object.keys.contains(key) ? params.object[key] : current?[key] }
        guard let entityType = value("entityType")?.stringValue.flatMap(EntityType.init(rawValue:)) else {
            throw CRMError.invalidParam("/entityType", "expected an entity type")
        }
        return AutomationService.RuleInput(
            entityType: entityType, pipelineID: value("pipelineId")?.int64Value, stageID: value("stageId")?.stringValue,
            trigger: value("trigger")?.stringValue ?? "enter", delaySeconds: value("delay")?.int64Value ?? 0,
            action: value("action") ?? .null, title: value("title")?.stringValue, active: value("active")?.boolValue ?? true,
            status: value("status")?.stringValue, condition: value("condition"), days: value("days")?.int64Value)
    }
}

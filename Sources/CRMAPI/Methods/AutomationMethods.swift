import CRM
import JSONKit

/// `automation.*`: robots per stage (S6, S13).
enum AutomationMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("automation.add") { params, context in try crm.automation.add(try input(params, over: nil), by: context.caller) },
            Method("automation.get") { params, _ in try crm.automation.get(try params.int64("id")) },
            Method("automation.update") { params, context in
                let id = try params.int64("id")
                return try crm.automation.update(id: id, try input(params, over: try crm.automation.get(id)), by: context.caller)
            },
            Method("automation.delete") { params, context in try crm.automation.delete(try params.int64("id"), by: context.caller) },
            Method("automation.list") { params, _ in
                try crm.automation.list(entityType: try params.optionalString("entityType").flatMap(EntityType.init(rawValue:)))
            },
        ]
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

import CRM
import JSONKit

/// `activity.*` (meetings, calls, tasks) and `resource.*` (what meetings book).
enum ActivityMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("activity.add") { params, context in
                try crm.activities.add(try params.objectValue("fields"), allowOutsideHours: try params.bool("allowOutsideHours", default: false),
                                       by: context.caller)
            },
            Method("activity.get") { params, context in try crm.activities.get(try params.int64("id"), access: context.access) },
            Method("activity.update") { params, context in
                try crm.activities.update(try params.int64("id"), try params.objectValue("fields"),
                                          allowOutsideHours: try params.bool("allowOutsideHours", default: false), by: context.caller)
            },
            Method("activity.complete") { params, context in
                try crm.activities.complete(try params.int64("id"), result: try params.optionalString("result"), by: context.caller)
            },
            Method("activity.delete") { params, context in try crm.activities.delete(try params.int64("id"), by: context.caller) },
            Method("activity.list") { params, context in
                try crm.activities.list(try query(params, me: context.identity.userID), access: context.access, userID: context.identity.userID)
            },
            Method("resource.add") { params, context in
                try crm.resources.add(name: try params.string("name"), description: try params.optionalString("description"),
                                      place: try params.optionalString("place"), by: context.caller)
            },
            Method("resource.list") { params, _ in try crm.resources.list(includeInactive: try params.bool("includeInactive", default: false)) },
            Method("resource.update") { params, context in
                try crm.resources.update(try params.int64("id"), name: try params.optionalString("name"), description: params["description"],
                                         place: params["place"], active: try params.optionalBool("active"), by: context.caller)
            },
            Method("resource.delete") { params, context in try crm.resources.delete(try params.int64("id"), by: context.caller) },
        ]
    }

    /// The list's filter, with `"me"` as the caller.
    private static func query(_ params: Params, me: Int64) throws -> ActivityService.ListQuery {
        var query = ActivityService.ListQuery()
        let filter = try params.optionalObject("filter") ?? [:]
        func user(_ value: JSON?) -> Int64? { value?.stringValue == "me" ? me : value?.int64Value }
        query.responsibleID = user(filter["responsibleId"])
        query.participantID = user(filter["participantId"])
        func list(_ value: JSON?) -> [String] { value?.stringValue.map { [$0] } ?? value?.arrayValue?.compactMap(\.stringValue) ?? [] }
        query.types = list(filter["type"]).compactMap(Activity.Kind.init(rawValue:))
        query.statuses = list(filter["status"]).compactMap(Activity.Status.init(rawValue:))
        if let from = filter["from"] { query.from = try ActivityService.time(from, "filter.from") }
        if let to = filter["to"] { query.to = try ActivityService.time(to, "filter.to") }
        query.today = filter["today"]?.boolValue ?? false
        if let type = filter["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let id = filter["entityId"]?.int64Value {
            query.binding = RecordRef(type, id)
        }
        query.overdue = filter["overdue"]?.boolValue
        query.limit = Int(try params.optionalInt64("limit") ?? 50)
        if let cursor = try params.optionalString("cursor") {
            guard let after = Int64(cursor), after >= 0 else { throw CRMError.invalidParam("/cursor", "not a cursor from this list") }
            query.after = after
        }
        return query
    }
}

import CRM
import JSONKit

/// `notification.*`: the caller's own notifications and the built-in rules they switched off.
/// Every method acts on the session's user only: another user's notifications are never read
/// nor marked.
enum NotificationMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("notification.list") { params, context in
                try crm.notifications.list(userID: context.identity.userID, unreadOnly: try params.bool("unreadOnly", default: false),
                                           limit: Int(try params.optionalInt64("limit") ?? 50), before: try params.optionalInt64("before"))
            },
            Method("notification.markRead") { params, context in
                let ids: [Int64]? = params["ids"] == nil ? nil : try params.int64List("ids")
                return try crm.notifications.markRead(userID: context.identity.userID, ids: ids)
            },
            Method("notification.rules") { _, context in try crm.notifications.rules(userID: context.identity.userID) },
            Method("notification.setRules") { params, context in
                var changes: [String: Bool] = [:]
                for (name, value) in try params.objectValue("rules") {
                    guard let enabled = value.boolValue else {
                        throw CRMError.invalidValue(field: "rules.\(name)", reason: "format", message: "a rule is switched on (true) or off (false)")
                    }
                    changes[name] = enabled
                }
                return try crm.notifications.setRules(userID: context.identity.userID, changes)
            },
        ]
    }
}

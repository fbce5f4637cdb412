import CRM
import JSONKit

/// `user.*`: the people who own and change records.
enum UserMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("user.add") { params, context in
                try crm.users.add(try params.objectValue("fields"), idempotencyKey: try params.optionalString("idempotencyKey"), by: context.caller)
            },
            Method("user.get") { params, _ in try crm.users.get(try params.int64("id")) },
            Method("user.update") { params, context in
                try crm.users.update(try params.int64("id"), try params.objectValue("fields"), by: context.caller)
            },
            Method("user.list") { params, _ in
                try crm.users.list(active: try params.optionalBool("active"), departmentID: try params.optionalInt64("departmentId"))
            },
            Method("user.deactivate") { params, context in try crm.users.deactivate(try params.int64("id"), by: context.caller) },
            Method("user.current") { _, context in try crm.users.get(context.session.userID) },
            Method("user.setRoles") { params, context in
                try crm.roles.setRoles(of: .user(try params.int64("id")), to: try params.int64List("roleIds"), by: context.caller)
            },
        ]
    }
}

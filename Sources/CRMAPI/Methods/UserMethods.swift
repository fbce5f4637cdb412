import CRM
import JSONKit

/// `user.*`: the people who own and change records.
enum UserMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("user.add") { params, context in
                let fields = try Params(.object(try params.objectValue("fields")))
                return try crm.users.add(name: try fields.string("name"), email: try fields.optionalString("email"),
                                         idempotencyKey: try params.optionalString("idempotencyKey"), by: context.caller)
            },
            Method("user.get") { params, _ in try crm.users.get(try params.int64("id")) },
            Method("user.list") { _, _ in try crm.users.list() },
        ]
    }
}

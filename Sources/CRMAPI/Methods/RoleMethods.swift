import CRM
import JSONKit

/// `role.*`: roles as sets of permissions (who holds them: `user.setRoles`, `department.setRoles`).
enum RoleMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("role.add") { params, context in
                let fields = Params(try params.objectValue("fields"))
                return try crm.roles.add(name: try fields.string("name"), permissions: fields["permissions"] ?? .object([:]), by: context.caller)
            },
            Method("role.get") { params, _ in try crm.roles.get(try params.int64("id")) },
            Method("role.update") { params, context in
                let fields = Params(try params.objectValue("fields"))
                return try crm.roles.update(try params.int64("id"), name: try fields.optionalString("name"), permissions: fields["permissions"],
                                            by: context.caller)
            },
            Method("role.list") { _, _ in try crm.roles.list() },
            Method("role.delete") { params, context in try crm.roles.delete(try params.int64("id"), by: context.caller) },
        ]
    }
}

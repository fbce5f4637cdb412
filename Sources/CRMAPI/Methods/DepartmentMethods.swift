import CRM
import JSONKit

/// `department.*`: the company's structure, a tree of departments.
enum DepartmentMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("department.add") { params, context in
                let fields = Params(try params.objectValue("fields"))
                return try crm.departments.add(name: try fields.string("name"), parentID: try fields.optionalInt64("parentId"), by: context.caller)
            },
            Method("department.get") { params, _ in try crm.departments.get(try params.int64("id")) },
            Method("department.update") { params, context in
                try crm.departments.update(try params.int64("id"), try params.objectValue("fields"), by: context.caller)
            },
            Method("department.list") { _, _ in try crm.departments.list() },
            Method("department.delete") { params, context in try crm.departments.delete(try params.int64("id"), by: context.caller) },
            Method("department.setRoles") { params, context in
                try crm.roles.setRoles(of: .department(try params.int64("id")), to: try params.int64List("roleIds"), by: context.caller)
            },
        ]
    }
}

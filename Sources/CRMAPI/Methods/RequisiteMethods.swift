import CRM
import JSONKit

/// `requisite.*`, `bankDetail.*` and `registry.import` (S14–S16).
enum RequisiteMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("requisite.add") { params, context in
                let input = RequisiteService.AddInput(
                    entityType: try params.entityType(), entityID: try params.int64("entityId"), preset: try params.string("preset"),
                    name: try params.optionalString("name"), fields: try params.optionalObject("fields") ?? [:],
                    lookup: try params.bool("lookup", default: false),
                    renameEntity: try params.optionalBool("renameEntity"))
                return try crm.requisites.add(input, by: context.caller)
            },
            Method("requisite.get") { params, context in try crm.requisites.get(try params.int64("id"), access: context.access) },
            Method("requisite.update") { params, context in
                try crm.requisites.update(id: try params.int64("id"), fields: try params.objectValue("fields"),
                                          name: try params.optionalString("name"),
                                          expectedVersion: try params.optionalInt64("expectedVersion"), by: context.caller)
            },
            Method("requisite.delete") { params, context in try crm.requisites.delete(try params.int64("id"), by: context.caller) },
            Method("requisite.list") { params, context in
                try crm.requisites.list(entityType: try params.entityType(), entityID: try params.int64("entityId"), access: context.access)
            },
            Method("requisite.lookup") { params, _ in try crm.requisites.lookup(inn: try params.string("inn")) },
            Method("bankDetail.add") { params, context in
                try crm.bankDetails.add(requisiteID: try params.int64("requisiteId"), fields: try params.objectValue("fields"), by: context.caller)
            },
            Method("bankDetail.update") { params, context in
                try crm.bankDetails.update(id: try params.int64("id"), fields: try params.objectValue("fields"), by: context.caller)
            },
            Method("bankDetail.delete") { params, context in try crm.bankDetails.delete(try params.int64("id"), by: context.caller) },
            Method("bankDetail.list") { params, context in
                try crm.bankDetails.list(requisiteID: try params.int64("requisiteId"), access: context.access)
            },
            // Progress goes only to a caller that asked for it with a `progressToken` (as in
            // LSP), and each notification carries the token: a simple client never receives
            // a message it did not expect.
            Method("registry.import") { params, context in
                let token = params["progressToken"]
                return try crm.registryImport(path: try params.string("path"), format: try params.string("format")) { progress in
                    guard let token, case .object(var fields) = progress else { return }
                    fields["progressToken"] = token
                    context.connection.notify(method: "registry.importProgress", params: .object(fields))
                }
            },
        ]
    }
}

import CRM
import JSONKit

/// `field.*`: typed custom fields created through the API.
enum FieldMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("field.add") { params, context in
                try crm.customFields.add(
                    entityType: try params.entityType(), code: try params.string("code"), title: try params.string("title"),
                    type: try params.string("type"), multiple: try params.bool("multiple", default: false),
                    options: try params.stringList("options") ?? [], required: try params.bool("required", default: false), by: context.caller)
            },
            Method("field.list") { params, _ in try crm.customFields.list(entityType: try params.entityType()) },
        ]
    }
}

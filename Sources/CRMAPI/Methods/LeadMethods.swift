import CRM
import JSONKit

/// `lead.*`: leads in their funnel (S1–S4).
enum LeadMethods {
    static func all(_ crm: CRM) -> [Method] {
        RecordMethods.crud(prefix: "lead", service: crm.leads)
    }
}

/// The CRUD verbs every record type shares: `add`, `get`, `update`, `delete`, `list`, `fields`.
enum RecordMethods {
    static func crud(prefix: String, service: RecordService) -> [Method] {
        [
            Method("\(prefix).add") { params, context in
                try service.add(fields: try params.objectValue("fields"), idempotencyKey: try params.optionalString("idempotencyKey"),
                                by: context.caller)
            },
            Method("\(prefix).get", run: { params, context in try service.get(try params.int64("id"), access: context.access) },
                   encode: { params, context in try service.encoded(try params.int64("id"), access: context.access) }),
            Method("\(prefix).update") { params, context in
                try service.update(id: try params.int64("id"), fields: try params.objectValue("fields"),
                                   expectedVersion: try params.optionalInt64("expectedVersion"), by: context.caller)
            },
            Method("\(prefix).delete") { params, context in try service.delete(id: try params.int64("id"), by: context.caller) },
            Method("\(prefix).list") { params, context in try service.list(try listRequest(params), access: context.access) },
            Method("\(prefix).fields") { _, _ in try service.fields() },
        ]
    }

    /// The list parameters of API.md ("Lists") as a domain request.
    static func listRequest(_ params: Params) throws -> ListRequest {
        var request = ListRequest()
        request.filter = try params.optionalObject("filter") ?? [:]
        request.search = try params.optionalString("search")
        request.select = try params.stringList("select")
        request.limit = Int(try params.optionalInt64("limit") ?? 50)
        request.cursor = try params.optionalString("cursor")
        request.count = try params.bool("count", default: false)
        switch params["order"] {
        case .object(let one)?:
            request.order = one.keys.sorted().map { ($0, one[$0] == "desc") }
        case .array(let many)?:
            request.order = many.flatMap { item in (item.objectValue ?? [:]).map { ($0.key, $0.value == "desc") } }
        default:
            break
        }
        return request
    }
}

import CRM
import JSONKit

/// `contact.*`, `company.*`, `deal.*`, merges and duplicate search (S9–S13, S17).
enum CustomerMethods {
    static func all(_ crm: CRM) -> [Method] {
        RecordMethods.crud(prefix: "contact", service: crm.records(.contact))
            + RecordMethods.crud(prefix: "company", service: crm.records(.company))
            + RecordMethods.crud(prefix: "deal", service: crm.records(.deal)).filter { $0.name != "deal.get" }
            + [
                // A deal shows its money: what its invoices come to, what is paid, due and overdue (S28).
                Method("deal.get") { params, context in
                    try crm.invoices.withMoney(try crm.records(.deal).get(try params.int64("id"), access: context.access))
                },
                merge("contact", .contact, crm), merge("company", .company, crm),
                Method("duplicate.find") { params, context in
                    var keys = DuplicateService.Keys()
                    keys.phones = try params.stringList("phones") ?? []
                    keys.emails = try params.stringList("emails") ?? []
                    keys.inn = try params.optionalString("inn")
                    keys.title = try params.optionalString("title")
                    return try crm.duplicates.find(try params.entityType(), keys, access: context.access)
                },
            ]
    }

    private static func merge(_ prefix: String, _ type: EntityType, _ crm: CRM) -> Method {
        Method("\(prefix).merge") { params, context in
            let sources = try params.int64List("sourceIds")
            return try crm.merges.merge(type, targetID: try params.int64("targetId"), sourceIDs: sources, by: context.caller)
        }
    }
}

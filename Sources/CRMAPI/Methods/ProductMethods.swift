import CRM
import JSONKit

/// `product.*` and `deal.productRows.*`: the catalogue and a deal's rows (S18–S19).
enum ProductMethods {
    static func all(_ crm: CRM) -> [Method] {
        RecordMethods.crud(prefix: "product", service: crm.records(.product)) + [
            Method("deal.productRows.set") { params, context in
                try crm.productRows.set(dealID: try params.int64("id"), rows: try params.optionalArray("rows") ?? [], by: context.caller)
            },
            Method("deal.productRows.get") { params, context in
                try crm.access.require(context.access, .read, RecordRef(.deal, try params.int64("id")))
                return try crm.productRows.get(dealID: try params.int64("id"))
            },
        ]
    }
}

import CRM
import Foundation
import JSONKit

/// `product.*`, `deal.productRows.*`, `settings.*` and `invoice.*` (S18–S23).
enum MoneyMethods {
    static func all(_ crm: CRM) -> [Method] {
        RecordMethods.crud(prefix: "product", service: crm.records(.product)) + [
            Method("deal.productRows.set") { params, context in
                try crm.productRows.set(dealID: try params.int64("id"), rows: params["rows"]?.arrayValue ?? [], actor: context.actor)
            },
            Method("deal.productRows.get") { params, _ in try crm.productRows.get(dealID: try params.int64("id")) },
            Method("settings.get") { _, _ in try crm.settings.get() },
            Method("settings.update") { params, _ in try crm.settings.update(params.object) },
            Method("invoice.createFromDeal") { params, context in
                var input = InvoiceService.CreateInput(dealID: try params.int64("dealId"))
                input.date = try params.optionalString("date")
                input.dueDate = try params.optionalString("dueDate")
                if let payer = params["payer"], let type = payer["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)),
                   let id = payer["id"]?.int64Value {
                    input.payer = (type, id)
                }
                return try crm.invoices.createFromDeal(input, actor: context.actor)
            },
            Method("invoice.get") { params, _ in try crm.invoices.get(try params.int64("id")) },
            Method("invoice.render") { params, _ in
                json(try crm.documents.renderInvoice(id: try params.int64("id"), format: try params.string("format")))
            },
            Method("invoice.send") { params, context in
                try crm.invoices.send(id: try params.int64("id"), to: try params.optionalString("to"), mode: try params.string("mode"),
                                      subject: try params.optionalString("subject"), body: try params.optionalString("body"),
                                      actor: context.actor)
            },
            Method("invoice.publicLink") { params, _ in
                try crm.publicLinks.create(invoiceID: try params.int64("id"), expiresAt: try params.optionalString("expiresAt"))
            },
            Method("invoice.revokeLink") { params, _ in try crm.publicLinks.revoke(invoiceID: try params.int64("id")) },
            Method("invoice.getPublic") { params, _ in
                let id = try crm.publicLinks.invoiceID(token: try params.string("token"))
                return json(try crm.documents.renderInvoice(id: id, format: try params.string("format")))
            },
            Method("template.list") { _, _ in try crm.templates.list() },
            Method("template.add") { params, _ in
                try crm.templates.add(code: try params.string("code"), title: try params.string("title"), kind: try params.optionalString("kind"),
                                      body: try params.string("body"))
            },
            Method("template.update") { params, _ in
                try crm.templates.update(code: try params.string("code"), title: try params.optionalString("title"),
                                         body: try params.optionalString("body"))
            },
            Method("document.render") { params, _ in
                json(try crm.documents.renderDeal(template: try params.string("template"), dealID: try params.int64("dealId"),
                                                  format: try params.string("format")))
            },
            Method("invoice.list") { params, _ in try crm.invoices.list(try RecordMethods.listRequest(params)) },
            Method("invoice.setStatus") { params, context in
                try crm.invoices.setStatus(id: try params.int64("id"), status: try params.string("status"), actor: context.actor)
            },
            Method("invoice.addPayment") { params, context in
                try crm.invoices.addPayment(id: try params.int64("id"), amount: try params.string("amount"), date: try params.string("date"),
                                            reference: try params.optionalString("reference"), actor: context.actor)
            },
        ]
    }

    /// A rendered document as the API returns it: `{contentType, fileName, data}` with the bytes in base64.
    private static func json(_ rendered: DocumentService.Rendered) -> JSON {
        ["contentType": .string(rendered.contentType), "fileName": .string(rendered.fileName),
         "data": .string(Data(rendered.data).base64EncodedString())]
    }
}

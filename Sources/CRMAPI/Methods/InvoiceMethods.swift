import CRM
import Foundation
import JSONKit

/// `invoice.*`: invoices from deals, their documents, links, mail and payments (S20–S23).
enum InvoiceMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("invoice.createFromDeal") { params, context in
                var input = InvoiceService.CreateInput(dealID: try params.int64("dealId"))
                input.date = try params.optionalString("date")
                input.dueDate = try params.optionalString("dueDate")
                if let payer = try params.optionalObject("payer").map(Params.init) {
                    input.payer = (try payer.entityType(), try payer.int64("id"))
                }
                try crm.access.require(context.access, .read, RecordRef(.deal, input.dealID))
                return try crm.invoices.createFromDeal(input, by: context.caller)
            },
            Method("invoice.get") { params, context in try crm.invoices.get(try params.int64("id"), access: context.access) },
            Method("invoice.list") { params, context in
                try crm.invoices.list(try RecordMethods.listRequest(params), access: context.access)
            },
            Method("invoice.render") { params, context in
                let id = try params.int64("id")
                try crm.invoices.requireAccess(context.access, .read, id: id)
                return rendered(try crm.documents.renderInvoice(id: id, format: try params.string("format")))
            },
            Method("invoice.send") { params, context in
                try crm.invoices.requireAccess(context.access, .update, id: try params.int64("id"))
                return try crm.invoices.send(id: try params.int64("id"), to: try params.addresses("to"), cc: try params.addresses("cc"),
                                      mode: try params.string("mode"),
                                      subject: try params.optionalString("subject"), body: try params.optionalString("body"),
                                      by: context.caller)
            },
            Method("invoice.publicLink") { params, context in
                try crm.invoices.requireAccess(context.access, .update, id: try params.int64("id"))
                return try crm.publicLinks.create(invoiceID: try params.int64("id"), expiresAt: try params.optionalString("expiresAt"),
                                           by: context.caller)
            },
            Method("invoice.revokeLink") { params, context in
                try crm.invoices.requireAccess(context.access, .update, id: try params.int64("id"))
                return try crm.publicLinks.revoke(invoiceID: try params.int64("id"), by: context.caller)
            },
            Method("invoice.getPublic") { params, _ in
                let id = try crm.publicLinks.invoiceID(token: try params.string("token"))
                return rendered(try crm.documents.renderInvoice(id: id, format: try params.string("format")))
            },
            Method("invoice.setStatus") { params, context in
                try crm.invoices.requireAccess(context.access, .changeStage, id: try params.int64("id"))
                return try crm.invoices.setStatus(id: try params.int64("id"), status: try params.string("status"), by: context.caller)
            },
            Method("invoice.addPayment") { params, context in
                try crm.invoices.requireAccess(context.access, .update, id: try params.int64("id"))
                return try crm.invoices.addPayment(id: try params.int64("id"), amount: try params.string("amount"), date: try params.string("date"),
                                            reference: try params.optionalString("reference"), by: context.caller)
            },
            Method("invoice.attachDocument") { params, context in
                let id = try params.int64("id")
                try crm.invoices.requireAccess(context.access, .update, id: id)
                var data: [UInt8]?
                if let text = try params.optionalString("data") {
                    guard let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                        throw CRMError.invalidValue(field: "data", reason: "base64", message: "data is the document file's bytes in base64")
                    }
                    data = [UInt8](bytes)
                }
                return try crm.invoiceDocuments.attach(.init(invoiceID: id, kind: try params.string("kind"), number: try params.string("number"),
                                                             date: try params.string("date"), fileName: try params.optionalString("fileName"),
                                                             data: data, contentType: try params.optionalString("contentType"),
                                                             source: try params.optionalString("source") ?? "manual"),
                                                       by: context.caller)
            },
            Method("invoice.documents") { params, context in
                let id = try params.int64("id")
                try crm.invoices.requireAccess(context.access, .read, id: id)
                return try crm.invoiceDocuments.documents(invoiceID: id)
            },
            Method("invoice.getDocument") { params, context in
                let id = try params.int64("id")
                try crm.invoices.requireAccess(context.access, .read, id: id)
                return try crm.invoiceDocuments.document(invoiceID: id, documentID: try params.int64("documentId"))
            },
        ]
    }

    /// A rendered document as the API returns it: `{contentType, fileName, data}` with the bytes in base64.
    static func rendered(_ document: DocumentService.Rendered) -> JSON {
        ["contentType": .string(document.contentType), "fileName": .string(document.fileName),
         "data": .string(Data(document.data).base64EncodedString())]
    }
}

import CRM
import JSONKit

/// `template.*` and `document.render`: document templates and the deal documents made from them.
enum TemplateMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("template.list") { _, _ in try crm.templates.list() },
            Method("template.add") { params, context in
                try crm.templates.add(code: try params.string("code"), title: try params.string("title"), kind: try params.optionalString("kind"),
                                      body: try params.string("body"), by: context.caller)
            },
            Method("template.update") { params, context in
                try crm.templates.update(code: try params.string("code"), title: try params.optionalString("title"),
                                         body: try params.optionalString("body"), by: context.caller)
            },
            Method("document.render") { params, context in
                try crm.access.require(context.access, .read, RecordRef(.deal, try params.int64("dealId")))
                return InvoiceMethods.rendered(try crm.documents.renderDeal(template: try params.string("template"), dealID: try params.int64("dealId"),
                                                                     format: try params.string("format")))
            },
        ]
    }
}

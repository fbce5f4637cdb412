import CRM
import JSONKit

/// `webhook.*`: events delivered by signed HTTP POST (Standard Webhooks 1.0).
enum WebhookMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("webhook.add") { params, context in
                try crm.webhooks.add(url: try params.string("url"), topics: try params.stringList("topics") ?? [],
                                     secret: try params.optionalString("secret"), by: context.caller)
            },
            Method("webhook.list") { _, _ in try crm.webhooks.list() },
            Method("webhook.update") { params, context in
                try crm.webhooks.update(try params.int64("id"), url: try params.optionalString("url"), topics: try params.stringList("topics"),
                                        active: try params.optionalBool("active"), secret: try params.optionalString("secret"),
                                        rotateSecret: try params.bool("rotateSecret", default: false), by: context.caller)
            },
            Method("webhook.delete") { params, context in try crm.webhooks.delete(try params.int64("id"), by: context.caller) },
            Method("webhook.deliveries") { params, _ in
                try crm.webhooks.deliveries(try params.int64("id"), limit: Int(try params.optionalInt64("limit") ?? 50))
            },
            Method("webhook.redeliver") { params, _ in try crm.webhooks.redeliver(try params.int64("id"), seq: try params.int64("seq")) },
        ]
    }
}

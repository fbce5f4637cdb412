import CRM
import JSONKit

/// `sms.*` and `settings.sms`: text messages sent, listed, their delivery asked after, and how they are delivered.
enum SMSMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("sms.send") { params, context in
                try crm.sms.send(to: try params.optionalString("to"), record: try record(params), text: try params.string("text"),
                                 by: context.caller)
            },
            Method("sms.get") { params, context in try crm.sms.get(try params.int64("id"), access: context.access) },
            Method("sms.list") { params, context in
                try crm.sms.list(status: try params.optionalString("status"), record: try record(params),
                                 limit: Int(try params.optionalInt64("limit") ?? 50), after: try params.optionalInt64("after"),
                                 access: context.access)
            },
            Method("sms.status") { params, context in try crm.sms.refreshStatus(try params.int64("id"), by: context.caller) },
            Method("settings.sms") { params, context in try crm.sms.configure(params.object, by: context.caller) },
        ]
    }

    /// The record `entityType` + `id` name, if they do (the schema has both or neither).
    private static func record(_ params: Params) throws -> RecordRef? {
        guard params["entityType"] != nil else { return nil }
        return RecordRef(try params.entityType(), try params.int64("id"))
    }
}

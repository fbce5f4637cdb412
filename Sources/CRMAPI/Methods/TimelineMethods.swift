import CRM
import JSONKit

/// `timeline.list` and `comment.add`: the history of every record.
enum TimelineMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("timeline.list") { params, context in
                try crm.access.require(context.access, .read, RecordRef(try params.entityType(), try params.int64("id")))
                return try crm.timeline.list(entityType: try params.entityType(), id: try params.int64("id"),
                                      limit: Int(try params.optionalInt64("limit") ?? 50), cursor: try params.optionalString("cursor"))
            },
            Method("comment.add") { params, context in
                try crm.access.require(context.access, .read, RecordRef(try params.entityType(), try params.int64("id")))
                return try crm.timeline.comment(entityType: try params.entityType(), id: try params.int64("id"),
                                         text: try params.string("text"), by: context.caller)
            },
        ]
    }
}

import CRM
import JSONKit

/// `event.*`: the event log replayed, and subscriptions to it on this connection.
enum EventMethods {
    static func all(_ crm: CRM, hub: EventHub) -> [Method] {
        [
            Method("event.list") { params, context in
                var query = EventService.Query()
                query.after = try params.optionalInt64("after") ?? 0
                query.limit = Int(try params.optionalInt64("limit") ?? 100)
                query.topics = try params.stringList("topics") ?? []
                query.entityType = try params.optionalString("entityType").flatMap(EntityType.init(rawValue:))
                query.id = try params.optionalInt64("id")
                return try crm.events.list(query, access: context.access)
            },
            Method("event.subscribe") { params, context in
                let last = try hub.subscribe(connection: context.connection, session: context.session,
                                             topics: try params.stringList("topics") ?? [], after: try params.optionalInt64("after"))
                return ["subscribed": true, "last": .int(last)]
            },
            Method("event.unsubscribe") { _, context in
                ["unsubscribed": .bool(hub.unsubscribe(connectionID: context.connection.id))]
            },
        ]
    }
}

import JSONKit
import Storage

/// The SQL of activities: the row, its participants and bindings, and what it occupies
/// (`busy_slots`, and through `BusyDayStore` the days of `busy_days` those rows touch, in the
/// same write). Stored rows are read strictly.
enum ActivityStore {
    private static let columns = """
        a.id AS id, a.type AS type, a.subject AS subject, a.description AS description, a.start_at AS start_at, a.end_at AS end_at,
        a.deadline_at AS deadline_at, a.place AS place, a.resource_id AS resource_id, a.responsible_id AS responsible_id,
        a.client_contacts AS client_contacts, a.client_time_zone AS client_time_zone, a.status AS status, a.result AS result, a.sequence AS sequence,
        a.created_by AS created_by, a.created_at AS created_at, a.updated_at AS updated_at, a.completed_at AS completed_at
        """

    static func insert(_ db: Database, _ activity: Activity) throws -> Int64 {
        try db.execute("""
            INSERT INTO activities (type, subject, description, start_at, end_at, deadline_at, place, resource_id, responsible_id,
                                    client_contacts, status, result, sequence, client_time_zone, created_by, created_at, updated_at, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(activity) + [SQLValue(activity.createdBy), .text(activity.createdAt), .text(activity.updatedAt),
                                     SQLValue(activity.completedAt)])
        var stored = activity
        stored.id = db.lastInsertRowID
        try writeLinks(db, stored)
        return stored.id
    }

    static func update(_ db: Database, _ activity: Activity) throws {
        try db.execute("""
            UPDATE activities SET type = ?, subject = ?, description = ?, start_at = ?, end_at = ?, deadline_at = ?, place = ?,
              resource_id = ?, responsible_id = ?, client_contacts = ?, status = ?, result = ?, sequence = ?, client_time_zone = ?, updated_at = ?,
              completed_at = ? WHERE id = ?
            """, values(activity) + [.text(activity.updatedAt), SQLValue(activity.completedAt), .integer(activity.id)])
        try db.execute("DELETE FROM activity_participants WHERE activity_id = ?", [.integer(activity.id)])
        try db.execute("DELETE FROM activity_bindings WHERE activity_id = ?", [.integer(activity.id)])
        try writeLinks(db, activity)
    }

    private static func values(_ a: Activity) -> [SQLValue] {
        [.text(a.type.rawValue), .text(a.subject), SQLValue(a.description), SQLValue(a.start), SQLValue(a.end), SQLValue(a.deadline),
         SQLValue(a.place), SQLValue(a.resourceID), .integer(a.responsibleID), .text(JSON.array(a.clientContacts.map(Activity.json)).text),
         .text(a.status.rawValue), SQLValue(a.result), .integer(a.sequence), SQLValue(a.clientTimeZone)]
    }

    /// Participants, bindings and busy rows of `activity` as it is now.
    private static func writeLinks(_ db: Database, _ activity: Activity) throws {
        for user in Set(activity.participantIDs) {
            try db.execute("INSERT INTO activity_participants (activity_id, user_id) VALUES (?, ?)", [.integer(activity.id), .integer(user)])
        }
        for binding in Set(activity.bindings) {
            try db.execute("INSERT INTO activity_bindings (activity_id, entity_type, entity_id) VALUES (?, ?, ?)",
                           [.integer(activity.id), .text(binding.type.rawValue), .integer(binding.id)])
        }
        let old = try busySlots(db, activity.id)
        try db.execute("DELETE FROM busy_slots WHERE activity_id = ?", [.integer(activity.id)])
        var new = Set<BusyDayStore.Slot>()
        if activity.occupies, let start = activity.start, let end = activity.end {
            let owners = activity.people.map { ("user", $0) } + (activity.resourceID.map { [("resource", $0)] } ?? [])
            for (kind, owner) in owners {
                try db.execute("INSERT INTO busy_slots (kind, owner_id, start_at, end_at, activity_id) VALUES (?, ?, ?, ?, ?)",
                               [.text(kind), .integer(owner), .integer(start), .integer(end), .integer(activity.id)])
                try db.execute("""
                    INSERT INTO busy_longest (kind, owner_id, seconds) VALUES (?, ?, ?)
                    ON CONFLICT (kind, owner_id) DO UPDATE SET seconds = max(seconds, excluded.seconds)
                    """, [.text(kind), .integer(owner), .integer(end - start)])
                new.insert(BusyDayStore.Slot(kind: kind, owner: owner, start: start, end: end))
            }
        }
        // The days of the rows it gave up and of those it took; a row kept changes no day.
        try BusyDayStore.refresh(db, changed: old.symmetricDifference(new))
    }

    /// The busy rows of activity `id`.
    private static func busySlots(_ db: Database, _ id: Int64) throws -> Set<BusyDayStore.Slot> {
        Set(try db.query("SELECT kind, owner_id, start_at, end_at FROM busy_slots WHERE activity_id = ?", [.integer(id)]).map { row in
            BusyDayStore.Slot(kind: try row.text("kind"), owner: try row.int64("owner_id"), start: try row.int64("start_at"), end: try row.int64("end_at"))
        })
    }

    /// How far before an instant a busy interval of `owner` overlapping it can start: the
    /// longest it has ever been booked for (never shrinks, so it is always enough).
    static func longest(_ db: Database, kind: String, owner: Int64) throws -> Int64 {
        try db.queryOne("SELECT seconds FROM busy_longest WHERE kind = ? AND owner_id = ?", [.text(kind), .integer(owner)])?
            .int64("seconds") ?? 0
    }

    static func delete(_ db: Database, _ id: Int64) throws {
        let busy = try busySlots(db, id)
        for table in ["activity_participants", "activity_bindings", "busy_slots"] {
            try db.execute("DELETE FROM \(table) WHERE activity_id = ?", [.integer(id)])
        }
        try db.execute("DELETE FROM activities WHERE id = ?", [.integer(id)])
        try BusyDayStore.refresh(db, changed: busy)
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Activity? {
        guard let row = try db.queryOne("SELECT \(columns) FROM activities AS a WHERE a.id = ?", [.integer(id)]) else { return nil }
        return try activity(db, row)
    }

    private static func activity(_ db: Database, _ row: Row) throws -> Activity {
        let id = try row.int64("id")
        return try StoredData.read("activities", id) {
            let contacts = try StoredData.json(try row.text("client_contacts"), "client_contacts").arrayValue ?? []
            var activity = Activity(
                id: id, type: try StoredData.enumCase(try row.text("type"), "type", as: Activity.Kind.self), subject: try row.text("subject"),
                description: try row.optionalText("description"), start: try row.optionalInt64("start_at"), end: try row.optionalInt64("end_at"),
                deadline: try row.optionalInt64("deadline_at"), place: try row.optionalText("place"), resourceID: try row.optionalInt64("resource_id"),
                responsibleID: try row.int64("responsible_id"),
                clientContacts: try contacts.map { item in
                    guard let type = item["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let ref = item["id"]?.int64Value else {
                        throw StoredData.Problem("client_contacts: not a list of {entityType, id}")
                    }
                    return RecordRef(type, ref)
                },
                clientTimeZone: try row.optionalText("client_time_zone"),
                status: try StoredData.enumCase(try row.text("status"), "status", as: Activity.Status.self), result: try row.optionalText("result"),
                sequence: try row.int64("sequence"), createdBy: try row.optionalInt64("created_by"), createdAt: try row.text("created_at"),
                updatedAt: try row.text("updated_at"), completedAt: try row.optionalText("completed_at"))
            activity.participantIDs = try db.query("SELECT user_id FROM activity_participants WHERE activity_id = ? ORDER BY user_id",
                                                   [.integer(id)]).map { try $0.int64("user_id") }
            activity.bindings = try db.query("""
                SELECT entity_type, entity_id FROM activity_bindings WHERE activity_id = ? ORDER BY entity_type, entity_id
                """, [.integer(id)]).map { row in
                RecordRef(try StoredData.enumCase(try row.text("entity_type"), "entity_type", as: EntityType.self), try row.int64("entity_id"))
            }
            return activity
        }
    }

    /// A planned timed activity other than `excluding` that occupies one of `users` or
    /// `resource` at some moment of [start, end).
    struct Conflict {
        let activityID: Int64
        let kind: String
        let ownerID: Int64
        let start: Int64
        let end: Int64
    }

    static func conflicts(_ db: Database, users: [Int64], resource: Int64?, start: Int64, end: Int64, excluding: Int64?) throws -> [Conflict] {
        var owners: [(String, Int64)] = users.map { ("user", $0) }
        if let resource { owners.append(("resource", resource)) }
        var found: [Conflict] = []
        for (kind, owner) in owners {
            found += try db.query("""
                SELECT activity_id, start_at, end_at FROM busy_slots
                WHERE kind = ? AND owner_id = ? AND start_at < ? AND start_at >= ? AND end_at > ? AND activity_id IS NOT ?
                ORDER BY start_at LIMIT 10
                """, [.text(kind), .integer(owner), .integer(end), .integer(start - (try longest(db, kind: kind, owner: owner))),
                      .integer(start), SQLValue(excluding)])
                .map { Conflict(activityID: try $0.int64("activity_id"), kind: kind, ownerID: owner, start: try $0.int64("start_at"),
                                end: try $0.int64("end_at")) }
        }
        return found
    }

    /// A list's conditions on `a`, each a SQL term with its arguments.
    private struct Filter {
        var terms: [String] = []
        var arguments: [SQLValue] = []

        mutating func add(_ term: String, _ values: [SQLValue]) {
            terms.append(term)
            arguments += values
        }

        /// `a` is `user`'s: they are responsible for it or take part in it.
        mutating func involves(_ user: Int64) -> String {
            arguments += [.integer(user), .integer(user)]
            return "a.responsible_id = ? OR EXISTS (SELECT 1 FROM activity_participants AS p WHERE p.activity_id = a.id AND p.user_id = ?)"
        }
    }

    /// Up to `query.limit + 1` activities `access` reads (by their responsible's scope, and with
    /// `own` those the caller takes part in) matching `query`, with ids above `query.after`, by
    /// id. `from`/`to`: meetings and calls overlapping the period, tasks due in it.
    static func list(_ db: Database, _ query: ActivityService.ListQuery, from: Int64?, to: Int64?, now: Int64,
                     access: Access?) throws -> [Activity] {
        var filter = Filter()
        if let access, case let reach = access.reach(.activity, .read), !reach.contains(.all) {
            var terms: [String] = []
            if reach.contains(.department) {
                terms.append("a.responsible_id IN (\(access.departmentUserIDs.map { _ in "?" }.joined(separator: ", ")))")
                filter.arguments += access.departmentUserIDs.map(SQLValue.integer)
            }
            if reach.contains(.own) { terms.append(filter.involves(access.userID)) }
            filter.terms.append(terms.isEmpty ? "0" : "(" + terms.joined(separator: " OR ") + ")")
        }
        if let user = query.responsibleID { filter.add("a.responsible_id = ?", [.integer(user)]) }
        if let user = query.participantID { filter.terms.append("(" + filter.involves(user) + ")") }
        if !query.types.isEmpty {
            filter.add("a.type IN (\(query.types.map { _ in "?" }.joined(separator: ", ")))", query.types.map { .text($0.rawValue) })
        }
        if !query.statuses.isEmpty {
            filter.add("a.status IN (\(query.statuses.map { _ in "?" }.joined(separator: ", ")))", query.statuses.map { .text($0.rawValue) })
        }
        if from != nil || to != nil {
            let lower = SQLValue.integer(from ?? Int64.min / 2), upper = SQLValue.integer(to ?? Int64.max / 2)
            filter.add("((a.start_at < ? AND a.end_at > ?) OR (a.deadline_at >= ? AND a.deadline_at < ?))", [upper, lower, lower, upper])
        }
        if let binding = query.binding {
            filter.add("EXISTS (SELECT 1 FROM activity_bindings AS b WHERE b.activity_id = a.id AND b.entity_type = ? AND b.entity_id = ?)",
                       [.text(binding.type.rawValue), .integer(binding.id)])
        }
        if let overdue = query.overdue {
            let term = "(a.status = 'planned' AND (a.deadline_at < ? OR (a.type <> 'task' AND a.end_at < ?)))"
            filter.add(overdue ? term : "NOT \(term)", [.integer(now), .integer(now)])
        }
        let conditions = (filter.terms + ["a.id > ?"]).joined(separator: " AND ")
        return try db.query("SELECT \(columns) FROM activities AS a WHERE \(conditions) ORDER BY a.id LIMIT ?",
                            filter.arguments + [.integer(query.after), .integer(Int64(query.limit + 1))]).map { try activity(db, $0) }
    }

    /// The planned or done activities that occupy or concern `user` between `from` and `to`:
    /// as responsible or participant, timed ones overlapping the period and tasks due in it.
    static func occupying(_ db: Database, user: Int64, from: Int64, to: Int64) throws -> [Activity] {
        try db.query("""
            SELECT DISTINCT a.id AS id FROM activities AS a LEFT JOIN activity_participants AS p ON p.activity_id = a.id
            WHERE (a.responsible_id = ? OR p.user_id = ?)
              AND ((a.start_at < ? AND a.end_at > ?) OR (a.deadline_at >= ? AND a.deadline_at < ?))
            ORDER BY a.id
            """, [.integer(user), .integer(user), .integer(to), .integer(from), .integer(from), .integer(to)])
            .compactMap { try fetch(db, try $0.int64("id")) }
    }

    /// The ids of the activities bound to `record`.
    static func bound(_ db: Database, _ record: RecordRef) throws -> [Int64] {
        try db.query("SELECT activity_id FROM activity_bindings WHERE entity_type = ? AND entity_id = ? ORDER BY activity_id",
                     [.text(record.type.rawValue), .integer(record.id)]).map { try $0.int64("activity_id") }
    }

    /// Removes the bindings to a record that is deleted.
    static func unbind(_ db: Database, _ record: RecordRef) throws {
        try db.execute("DELETE FROM activity_bindings WHERE entity_type = ? AND entity_id = ?", [.text(record.type.rawValue), .integer(record.id)])
    }

    /// Whether an activity is bound to `record`, planned (when `plannedOnly`).
    static func anyBound(_ db: Database, _ record: RecordRef, plannedOnly: Bool) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM activity_bindings AS b JOIN activities AS a ON a.id = b.activity_id
            WHERE b.entity_type = ? AND b.entity_id = ? AND (? = 0 OR a.status = 'planned') LIMIT 1
            """, [.text(record.type.rawValue), .integer(record.id), .integer(plannedOnly ? 1 : 0)]) != nil
    }

    // MARK: - Resources

    struct Resource {
        var id: Int64
        var name: String
        var description: String?
        var place: String?
        var active: Bool
        var createdAt: String
        var updatedAt: String

        var json: JSON {
            ["id": .int(id), "name": .string(name), "description": description.map(JSON.string) ?? .null,
             "place": place.map(JSON.string) ?? .null, "active": .bool(active), "createdAt": .string(createdAt), "updatedAt": .string(updatedAt)]
        }
    }

    static func insertResource(_ db: Database, name: String, description: String?, place: String?, at: String) throws -> Int64 {
        try db.execute("INSERT INTO resources (name, description, place, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
                       [.text(name), SQLValue(description), SQLValue(place), .text(at), .text(at)])
        return db.lastInsertRowID
    }

    static func updateResource(_ db: Database, _ resource: Resource) throws {
        try db.execute("UPDATE resources SET name = ?, description = ?, place = ?, active = ?, updated_at = ? WHERE id = ?",
                       [.text(resource.name), SQLValue(resource.description), SQLValue(resource.place), SQLValue(resource.active),
                        .text(resource.updatedAt), .integer(resource.id)])
    }

    static func deleteResource(_ db: Database, _ id: Int64) throws {
        try db.execute("DELETE FROM resources WHERE id = ?", [.integer(id)])
    }

    static func resource(_ db: Database, _ id: Int64) throws -> Resource? {
        try db.queryOne("SELECT id, name, description, place, active, created_at, updated_at FROM resources WHERE id = ?", [.integer(id)])
            .map(resource)
    }

    static func resources(_ db: Database, includeInactive: Bool) throws -> [Resource] {
        try db.query("SELECT id, name, description, place, active, created_at, updated_at FROM resources WHERE ? OR active = 1 ORDER BY id",
                     [SQLValue(includeInactive)]).map(resource)
    }

    /// Whether a planned activity still books resource `id` (it cannot be deleted then).
    static func resourceInUse(_ db: Database, _ id: Int64) throws -> Int64? {
        try db.queryOne("SELECT id FROM activities WHERE resource_id = ? AND status = 'planned' LIMIT 1", [.integer(id)])?.int64("id")
    }

    private static func resource(_ row: Row) throws -> Resource {
        Resource(id: try row.int64("id"), name: try row.text("name"), description: try row.optionalText("description"),
                 place: try row.optionalText("place"), active: try row.bool("active"), createdAt: try row.text("created_at"),
                 updatedAt: try row.text("updated_at"))
    }
}

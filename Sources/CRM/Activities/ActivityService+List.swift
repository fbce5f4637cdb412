import JSONKit
import Storage

extension ActivityService {
    /// What `activity.list` filters by; nil is "any".
    package struct ListQuery: Sendable {
        package var responsibleID: Int64?
        package var participantID: Int64?
        package var types: [Activity.Kind] = []
        package var statuses: [Activity.Status] = []
        /// Timed activities overlapping [from, to), tasks due in it.
        package var from: Int64?
        package var to: Int64?
        /// Today in the caller's time zone, as `from`/`to`.
        package var today = false
        package var binding: RecordRef?
        package var overdue: Bool?
        package var after: Int64 = 0
        package var limit = 50

        package init() {}
    }

    /// Activities the caller may read that match `query`, by id; `next` continues the list.
    /// "My open tasks for today" is `{responsibleId: me, type: [task], status: [planned], today: true}`.
    package func list(_ query: ListQuery, access: Access?, userID: Int64?) throws -> JSON {
        try crm.pool.read { db in
            var filter = ActivityStore.Filter()
            if let access { Self.restrict(&filter, access) }
            if let user = query.responsibleID { filter.add("a.responsible_id = ?", .integer(user)) }
            if let user = query.participantID {
                filter.add("(a.responsible_id = ? OR EXISTS (SELECT 1 FROM activity_participants AS p WHERE p.activity_id = a.id AND p.user_id = ?))",
                           .integer(user), .integer(user))
            }
            if !query.types.isEmpty {
                filter.terms.append("a.type IN (\(query.types.map { _ in "?" }.joined(separator: ", ")))")
                filter.arguments += query.types.map { .text($0.rawValue) }
            }
            if !query.statuses.isEmpty {
                filter.terms.append("a.status IN (\(query.statuses.map { _ in "?" }.joined(separator: ", ")))")
                filter.arguments += query.statuses.map { .text($0.rawValue) }
            }
            var from = query.from, to = query.to
            if query.today {
                let zone = try CalendarService.zone(db, user: userID)
                let day = CompanyTime.today(at: crm.clock.now(), in: zone)
                let (start, end) = CompanyTime.dayBounds(day, in: zone)
                (from, to) = (start, end)
            }
            if from != nil || to != nil {
                let lower = from ?? Int64.min / 2, upper = to ?? Int64.max / 2
                filter.add("((a.start_at < ? AND a.end_at > ?) OR (a.deadline_at >= ? AND a.deadline_at < ?))",
                           .integer(upper), .integer(lower), .integer(lower), .integer(upper))
            }
            if let binding = query.binding {
                filter.add("EXISTS (SELECT 1 FROM activity_bindings AS b WHERE b.activity_id = a.id AND b.entity_type = ? AND b.entity_id = ?)",
                           .text(binding.type.rawValue), .integer(binding.id))
            }
            if let overdue = query.overdue {
                let now = SQLValue.integer(crm.clock.now())
                let term = "(a.status = 'planned' AND (a.deadline_at < ? OR (a.type <> 'task' AND a.end_at < ?)))"
                filter.add(overdue ? term : "NOT \(term)", now, now)
            }
            let page = try ActivityStore.list(db, filter, after: query.after, limit: query.limit + 1)
            let items = try page.prefix(query.limit).map { try json(db, $0) }
            let next: JSON = page.count > query.limit ? .string(String(page[query.limit - 1].id)) : .null
            return ["items": .array(items), "next": next]
        }
    }

    /// Limits a list to the activities `access` reads: those whose responsible its scope
    /// reaches, and (with `own`) those the caller takes part in.
    private static func restrict(_ filter: inout ActivityStore.Filter, _ access: Access) {
        let reach = access.reach(.activity, .read)
        if reach.contains(.all) { return }
        var terms: [String] = []
        if reach.contains(.department) {
            terms.append("a.responsible_id IN (\(access.departmentUserIDs.map { _ in "?" }.joined(separator: ", ")))")
            filter.arguments += access.departmentUserIDs.map(SQLValue.integer)
        }
        if reach.contains(.own) {
            terms.append("a.responsible_id = ? OR EXISTS (SELECT 1 FROM activity_participants AS q WHERE q.activity_id = a.id AND q.user_id = ?)")
            filter.arguments += [.integer(access.userID), .integer(access.userID)]
        }
        filter.terms.append(terms.isEmpty ? "0" : "(" + terms.joined(separator: " OR ") + ")")
    }
}

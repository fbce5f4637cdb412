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
            var period = (from: query.from, to: query.to)
            if query.today {
                let zone = try CalendarService.zone(db, user: userID)
                let day = CompanyTime.dayBounds(CompanyTime.today(at: crm.clock.now(), in: zone), in: zone)
                period = (day.start, day.end)
            }
            let page = try ActivityStore.list(db, query, from: period.from, to: period.to, now: crm.clock.now(), access: access)
            let items = try page.prefix(query.limit).map { try json(db, $0) }
            let next: JSON = page.count > query.limit ? .string(String(page[query.limit - 1].id)) : .null
            return ["items": .array(items), "next": next]
        }
    }
}

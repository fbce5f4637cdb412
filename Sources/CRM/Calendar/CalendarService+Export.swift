import JSONKit
import Storage

extension CalendarService {
    /// The activities of `userID` in [from, to) the caller may read, as iCalendar: meetings and
    /// calls as VEVENTs in their responsible's zone, tasks as VTODOs; UIDs stable across
    /// exports (`activity-<id>@<host>`), SEQUENCE raised on each change, cancelled ones kept with
    /// STATUS:CANCELLED so calendars that imported them drop them.
    package func export(userID: Int64, from: Int64, to: Int64, access: Access?) throws -> JSON {
        try Self.period(from, to)
        return try crm.pool.read { db in
            let activities = try occupying(db, userID: userID, from: from, to: to, access: access)
            var people: [Int64: ICalendarItem.Person] = [:]
            func person(_ id: Int64) throws -> ICalendarItem.Person? {
                if let known = people[id] { return known }
                guard let user = try UserStore.fetch(db, id) else { return nil }
                let shown = ICalendarItem.Person(name: user.name, email: user.email)
                people[id] = shown
                return shown
            }
            let items = try activities.map { activity -> ICalendarItem in
                let timed = activity.type.isTimed
                let status: ICalendarItem.Status = switch (activity.status, timed) {
                case (.cancelled, _): .cancelled
                case (.completed, false): .completed
                case (.completed, true), (.planned, true): .confirmed
                case (.planned, false): .needsAction
                }
                return ICalendarItem(
                    kind: timed ? .event : .todo, uid: "activity-\(activity.id)@crmd", sequence: Int(activity.sequence),
                    start: timed ? activity.start : nil, end: timed ? activity.end : nil, due: timed ? nil : activity.deadline,
                    timeZone: try Self.zoneName(db, user: activity.responsibleID), summary: activity.subject,
                    description: [activity.description, activity.result.map { "Результат: \($0)" }].compactMap { $0 }.joined(separator: "\n\n"),
                    location: try activity.place ?? activity.resourceID.flatMap { try ActivityStore.resource(db, $0)?.name },
                    status: status, created: Timestamp.parse(activity.createdAt), lastModified: Timestamp.parse(activity.updatedAt),
                    completed: activity.completedAt.flatMap(Timestamp.parse), organizer: try person(activity.responsibleID),
                    attendees: try activity.participantIDs.compactMap(person),
                    categories: [["meeting": "Встреча", "call": "Звонок", "task": "Задача"][activity.type.rawValue] ?? activity.type.rawValue])
            }
            let text = try ICalendarWriter(stamp: crm.clock.now()).write(items)
            return ["contentType": "text/calendar; charset=utf-8", "ics": .string(text), "count": .int(Int64(items.count))]
        }
    }
}

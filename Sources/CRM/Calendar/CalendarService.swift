import Foundation
import JSONKit
import Storage

/// Work calendars (`calendar.*`): each user's time zone, working hours and days off, the
/// company's production calendar, the free slots of several people, what occupies someone,
/// and their activities as iCalendar.
package struct CalendarService: Sendable {
    let crm: CRM

    // MARK: - Schedules

    package func schedule(userID: Int64) throws -> JSON {
        try crm.pool.read { db in try Self.scheduleJSON(db, userID) }
    }

    /// Sets the weekly hours (`.null`: the company's default), days off and time zone given.
    package func setSchedule(userID: Int64, hours: JSON?, daysOff: [String]?, timeZone: String?, by caller: Caller) throws -> JSON {
        let weekly = try hours.flatMap { $0 == .null ? nil : try WeeklyHours(json: $0, field: "hours") }
        for (index, day) in (daysOff ?? []).enumerated() where LocalDate(day) == nil {
            throw CRMError.invalidValue(field: "daysOff.\(index)", reason: "format", message: "'\(day)' is not a date (YYYY-MM-DD)")
        }
        if let timeZone, CompanyTime.zone(named: timeZone) == nil {
            throw CRMError.invalidValue(field: "timeZone", reason: "unknownTimeZone", message: "'\(timeZone)' is not an IANA time zone this machine knows")
        }
        return try crm.pool.write { db in
            guard try UserStore.exists(db, userID) else { throw CRMError.notFound("user", userID) }
            let old = try Self.scheduleJSON(db, userID)
            var stored = try CalendarStore.schedule(db, user: userID) ?? CalendarStore.Schedule(hours: nil, daysOff: [])
            if let hours { stored.hours = hours == .null ? nil : weekly?.json }
            if let daysOff { stored.daysOff = Array(Set(daysOff)).sorted() }
            try CalendarStore.setSchedule(db, user: userID, stored, at: crm.nowText)
            let zoneBefore = try CalendarStore.userZone(db, user: userID)
            if let timeZone, zoneBefore != timeZone {
                // The profile's zone, as `user.update` sets it.
                try UserStore.update(db, userID, ["time_zone": .text(timeZone)], at: crm.nowText)
                try crm.apply(Change(.user, id: .int(userID), .updated, by: caller, at: crm.nowText,
                                     fields: [FieldChange(field: "timeZone", old: zoneBefore.map(JSON.string) ?? .null, new: .string(timeZone))]), in: db)
            }
            let new = try Self.scheduleJSON(db, userID)
            let changes = FieldChange.differences(old, new, ignoring: ["timeZone"])
            if !changes.isEmpty {
                try crm.apply(Change(.calendar, id: .string("schedule/\(userID)"), .updated, by: caller, at: crm.nowText, fields: changes,
                                     data: ["userId": .int(userID)]), in: db)
            }
            return new
        }
    }

    private static func scheduleJSON(_ db: Database, _ userID: Int64) throws -> JSON {
        guard try UserStore.exists(db, userID) else { throw CRMError.notFound("user", userID) }
        let stored = try CalendarStore.schedule(db, user: userID)
        let hours = try stored.flatMap { try Self.hours($0, user: userID) }
        return [
            "userId": .int(userID), "timeZone": .string(try zoneName(db, user: userID)), "hours": (hours ?? WeeklyHours.standard).json,
            "daysOff": .array((stored?.daysOff ?? []).map(JSON.string)), "default": .bool(hours == nil),
        ]
    }

    /// A stored schedule's own weekly hours, read strictly; nil for the company's default.
    private static func hours(_ stored: CalendarStore.Schedule, user: Int64) throws -> WeeklyHours? {
        try stored.hours.map { json in try StoredData.read("work_schedules", user) { try WeeklyHours(json: json, field: "hours") } }
    }

    // MARK: - The production calendar

    package func setHolidays(year: Int, days: JSON, by caller: Caller) throws -> JSON {
        let parsed = try ProductionCalendar.Year(json: ["year": .int(Int64(year)), "days": days])
        return try crm.pool.write { db in
            try CalendarStore.replaceHolidays(db, year: year, days: parsed.days.map { ($0.date.text, $0.kind.rawValue, $0.title) })
            try crm.apply(Change(.calendar, id: .string("holidays/\(year)"), .updated, by: caller, at: crm.nowText,
                                 data: ["year": .int(Int64(year)), "days": .int(Int64(parsed.days.count))]), in: db)
            return ["year": .int(Int64(year)), "days": .int(Int64(parsed.days.count))]
        }
    }

    package func holidays(year: Int) throws -> JSON {
        try crm.pool.read { db in
            let days = try CalendarStore.holidays(db, from: "\(year)-01-01", through: "\(year)-12-31")
            return ["year": .int(Int64(year)), "days": .array(days.map { day in
                var item: [String: JSON] = ["date": .string(day.date), "kind": .string(day.kind)]
                if let title = day.title { item["title"] = .string(title) }
                return .object(item)
            })]
        }
    }

    // MARK: - Calendars of users

    /// The IANA zone of `user`: their profile's, else the company's.
    static func zoneName(_ db: Database, user: Int64?) throws -> String {
        if let user, let name = try CalendarStore.userZone(db, user: user), CompanyTime.zone(named: name) != nil { return name }
        let settings = try SettingsService.load(db)
        if let name = settings["timeZone"]?.stringValue, CompanyTime.zone(named: name) != nil { return name }
        return CompanyTime.defaultZoneName
    }

    static func zone(_ db: Database, user: Int64?) throws -> TimeZone {
        CompanyTime.zone(named: try zoneName(db, user: user)) ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .gmt
    }

    /// The work calendar of `user` around [from, to): zone, hours, days off, and the
    /// production calendar's days of those years.
    static func workCalendar(_ db: Database, user: Int64, from: Int64, to: Int64) throws -> WorkCalendar {
        let zone = try zone(db, user: user)
        let stored = try CalendarStore.schedule(db, user: user)
        let hours = try stored.flatMap { try Self.hours($0, user: user) }
        let first = LocalDate(containing: from, in: zone).adding(days: -1), last = LocalDate(containing: to, in: zone).adding(days: 1)
        let days = try CalendarStore.holidays(db, from: first.text, through: last.text)
        var years: [Int: [ProductionCalendar.Day]] = [:]
        for day in days {
            guard let date = LocalDate(day.date), let kind = ProductionCalendar.DayKind(rawValue: day.kind) else { continue }
            years[date.year, default: []].append(ProductionCalendar.Day(date: date, kind: kind, title: day.title))
        }
        let production = ProductionCalendar(years: try years.map { try ProductionCalendar.Year(year: $0.key, days: $0.value) })
        return WorkCalendar(timeZone: zone, hours: hours ?? .standard, daysOff: Set((stored?.daysOff ?? []).compactMap(LocalDate.init)),
                            production: production)
    }

    /// The users among `users` for whom [start, end) is not all within working hours.
    static func outsideWorkingHours(_ db: Database, users: [Int64], start: Int64, end: Int64) throws -> [Int64] {
        try users.filter { user in !(try workCalendar(db, user: user, from: start, to: end).isWithinWorkingHours(start: start, end: end)) }
    }

    // MARK: - Free slots, occupation, export

    /// Slots of `duration` seconds in [from, to) when every user works and is free, and the
    /// resource is free.
    package func freeSlots(userIDs: [Int64], from: Int64, to: Int64, duration: Int64, step: Int64?, resourceID: Int64?, limit: Int) throws -> JSON {
        try Self.period(from, to)
        return try crm.pool.read { db in
            var calendars: [WorkCalendar] = []
            for (index, user) in userIDs.enumerated() {
                guard try UserStore.exists(db, user) else {
                    throw CRMError.invalidValue(field: "userIds.\(index)", reason: "unknownUser", message: "no user \(user)")
                }
                calendars.append(try Self.workCalendar(db, user: user, from: from, to: to))
            }
            // Only busy time inside the hours all of them work can take a slot away: read the days
            // those hours touch (`busy_days`, a row per owner and day) and keep just that.
            var common = [from..<to]
            for calendar in calendars where !common.isEmpty { common = Intervals.intersect(common, calendar.workingIntervals(from: from, to: to)) }
            let busy = try userIDs.map { user in try BusyDayStore.busy(db, kind: "user", owner: user, within: common) }
            var resourceBusy: [Range<Int64>]?
            if let resourceID {
                guard try ActivityStore.resource(db, resourceID) != nil else {
                    throw CRMError.invalidValue(field: "resourceId", reason: "unknownResource", message: "no resource \(resourceID)")
                }
                resourceBusy = try BusyDayStore.busy(db, kind: "resource", owner: resourceID, within: common)
            }
            let slots = try FreeSlots.find(calendars: calendars, busy: busy, resourceBusy: resourceBusy, from: from, to: to, duration: duration,
                                           step: step, limit: limit)
            return ["slots": .array(slots.map { ["start": .string(Timestamp.format($0.lowerBound)), "end": .string(Timestamp.format($0.upperBound))] })]
        }
    }

    /// What occupies `userID` in [from, to): their planned and done activities there, by start
    /// (tasks by deadline); cancelled ones are left out.
    package func events(userID: Int64, from: Int64, to: Int64, access: Access?) throws -> JSON {
        try Self.period(from, to)
        return try crm.pool.read { db in
            let activities = try occupying(db, userID: userID, from: from, to: to, access: access).filter { $0.status != .cancelled }
            let service = crm.activities
            return ["items": .array(try activities.map { try service.json(db, $0) })]
        }
    }

    /// The activities of `userID` in [from, to) the caller may read, by start or deadline.
    func occupying(_ db: Database, userID: Int64, from: Int64, to: Int64, access: Access?) throws -> [Activity] {
        guard try UserStore.exists(db, userID) else { throw CRMError.notFound("user", userID) }
        return try ActivityStore.occupying(db, user: userID, from: from, to: to)
            .filter { activity in access.map { ActivityService.reaches($0, .read, activity) } ?? true }
            .sorted { ($0.start ?? $0.deadline ?? 0, $0.id) < ($1.start ?? $1.deadline ?? 0, $1.id) }
    }

    static func period(_ from: Int64, _ to: Int64) throws {
        guard to > from else { throw CRMError.invalidValue(field: "to", reason: "endBeforeStart", message: "to must come after from") }
        guard to - from <= 400 * 86_400 else {
            throw CRMError.invalidValue(field: "to", reason: "tooLong", message: "a period is at most 400 days")
        }
    }
}

extension CRM {
    package var calendar: CalendarService { CalendarService(crm: self) }
}

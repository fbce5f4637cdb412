import JSONKit
import Storage

/// The SQL of work calendars: each user's hours and days off, and the company's production
/// calendar (`holidays`).
enum CalendarStore {
    struct Schedule {
        /// The weekly hours as stored (JSON), nil for the company's default.
        var hours: JSON?
        var daysOff: [String]
    }

    static func schedule(_ db: Database, user: Int64) throws -> Schedule? {
        guard let row = try db.queryOne("SELECT hours, days_off FROM work_schedules WHERE user_id = ?", [.integer(user)]) else { return nil }
        return try StoredData.read("work_schedules", user) {
            let hours = try row.optionalText("hours").map { try StoredData.json($0, "hours") }
            let off = try StoredData.json(try row.text("days_off"), "days_off").arrayValue?.compactMap(\.stringValue) ?? []
            return Schedule(hours: hours, daysOff: off)
        }
    }

    static func setSchedule(_ db: Database, user: Int64, _ schedule: Schedule, at: String) throws {
        try db.execute("""
            INSERT INTO work_schedules (user_id, hours, days_off, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET hours = excluded.hours, days_off = excluded.days_off, updated_at = excluded.updated_at
            """, [.integer(user), SQLValue(schedule.hours?.text), .text(JSON.array(schedule.daysOff.map(JSON.string)).text), .text(at)])
    }

    /// The user's time zone as their profile names it (nil when it names none).
    static func userZone(_ db: Database, user: Int64) throws -> String? {
        try db.queryOne("SELECT time_zone FROM users WHERE id = ?", [.integer(user)])?.optionalText("time_zone")
    }

    /// The production calendar's days from `from` through `to` (`YYYY-MM-DD`): date, kind, title.
    static func holidays(_ db: Database, from: String, through: String) throws -> [(date: String, kind: String, title: String?)] {
        try db.query("SELECT date, kind, title FROM holidays WHERE date BETWEEN ? AND ? ORDER BY date", [.text(from), .text(through)])
            .map { (try $0.text("date"), try $0.text("kind"), try $0.optionalText("title")) }
    }

    /// Replaces the days of `year` with `days`.
    static func replaceHolidays(_ db: Database, year: Int, days: [(date: String, kind: String, title: String?)]) throws {
        try db.execute("DELETE FROM holidays WHERE date BETWEEN ? AND ?", [.text("\(year)-01-01"), .text("\(year)-12-31")])
        for day in days {
            try db.execute("INSERT INTO holidays (date, kind, title) VALUES (?, ?, ?)", [.text(day.date), .text(day.kind), SQLValue(day.title)])
        }
    }
}

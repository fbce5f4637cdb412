import Foundation
import JSONKit
import Testing
@testable import CRM

/// Working hours on the wall clock of a user's zone: the JSON forms and their validation, the
/// production calendar, and the UTC intervals they give — across the clocks' changes.
@Suite struct WorkCalendarTests {
    static func at(_ text: String) -> Int64 { Timestamp.parse(text)! }
    static func span(_ from: String, _ to: String) -> Range<Int64> { at(from)..<at(to) }
    static func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }
    static func hours(_ json: String) throws -> WeeklyHours { try WeeklyHours(json: try JSON.parse(json)) }
    static func reason(_ body: () throws -> Void) -> (field: String, reason: String)? {
        do { try body() } catch CRMError.invalidValue(let field, let reason, _) { return (field, reason) } catch { return ("?", "\(error)") }
        return nil
    }

    // MARK: - Weekly hours

    @Test func theDefaultIsMondayToFridayNineToSix() {
        let json = WeeklyHours.standard.json
        #expect(json["mon"] == [["09:00", "18:00"]])
        #expect(json["fri"] == [["09:00", "18:00"]])
        #expect(json["sat"] == [])
        #expect(json["sun"] == [])
        #expect(WeeklyHours.standard.firstWorkingWeekday == .monday)
    }

    @Test func hoursRoundTripThroughJSONSortedAndWithMissingDaysOff() throws {
        let hours = try Self.hours(#"{"tue": [["14:00","18:00"], ["09:00","13:00"]], "sat": [["10:00","24:00"]]}"#)
        #expect(hours.intervals(on: .tuesday).map(\.description) == ["09:00-13:00", "14:00-18:00"])
        #expect(hours.intervals(on: .monday).isEmpty)
        #expect(hours.firstWorkingWeekday == .tuesday)
        #expect(try WeeklyHours(json: hours.json) == hours)
        #expect(hours.json["sat"] == [["10:00", "24:00"]])
        #expect(hours.json["wed"] == [])
        // Touching intervals are allowed.
        #expect(throws: Never.self) { try Self.hours(#"{"mon": [["09:00","13:00"], ["13:00","18:00"]]}"#) }
    }

    @Test(arguments: [
        (#"[]"#, "workingHours", "type"),
        (#"{"monday": []}"#, "workingHours.monday", "unknownWeekday"),
        (#"{"mon": "09:00-18:00"}"#, "workingHours.mon", "type"),
        (#"{"mon": [["09:00"]]}"#, "workingHours.mon[0]", "type"),
        (#"{"mon": [["9:00","18:00"]]}"#, "workingHours.mon[0]", "time"),
        (#"{"mon": [["09:00","18:60"]]}"#, "workingHours.mon[0]", "time"),
        (#"{"mon": [["09:00","24:01"]]}"#, "workingHours.mon[0]", "time"),
        (#"{"mon": [["24:00","24:00"]]}"#, "workingHours.mon[0]", "time"),
        (#"{"mon": [["09:00","18:00"], ["18:00","09:00"]]}"#, "workingHours.mon[1]", "order"),
        (#"{"mon": [["09:00","09:00"]]}"#, "workingHours.mon[0]", "order"),
        (#"{"wed": [["09:00","13:00"], ["12:59","18:00"]]}"#, "workingHours.wed", "overlap"),
    ])
    func badHoursAreRefusedNamingTheElement(_ json: String, _ field: String, _ reason: String) {
        let problem = Self.reason { _ = try Self.hours(json) }
        #expect(problem?.field == field)
        #expect(problem?.reason == reason)
    }

    @Test func wallTimesParseOnlyTwoDigitHoursAndMinutes() {
        #expect(WallTime("00:00")?.minutes == 0)
        #expect(WallTime("23:59")?.minutes == 1439)
        #expect(WallTime("24:00")?.minutes == 1440)
        for bad in ["", "9:00", "09:0", "09-00", "0a:00", "25:00", "-1:00", "09:00 "] { #expect(WallTime(bad) == nil) }
        #expect(WallTime(minutes: 545)?.text == "09:05")
    }

    // MARK: - Production calendar

    static func russia2026() throws -> ProductionCalendar.Year {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/calendars/ru-2026.json")
        return try ProductionCalendar.Year(json: try JSON.parse(try Data(contentsOf: url)))
    }

    @Test func theRussianCalendarFor2026Gives247WorkingDaysAnd1972Hours() throws {
        let year = try Self.russia2026()
        #expect(year.year == 2026)
        let eightHours = try Self.hours(#"{"mon": [["09:00","13:00"],["14:00","18:00"]], "tue": [["09:00","13:00"],["14:00","18:00"]], "wed": [["09:00","13:00"],["14:00","18:00"]], "thu": [["09:00","13:00"],["14:00","18:00"]], "fri": [["09:00","13:00"],["14:00","18:00"]]}"#)
        let calendar = WorkCalendar(timeZone: Self.zone("Europe/Moscow"), hours: eightHours, production: ProductionCalendar(years: [year]))
        let intervals = calendar.workingIntervals(from: Self.at("2026-01-01T00:00:00+03:00"), to: Self.at("2027-01-01T00:00:00+03:00"))
        let days = Set(intervals.map { LocalDate(containing: $0.lowerBound, in: calendar.timeZone) })
        #expect(days.count == 247)
        #expect(intervals.reduce(0) { $0 + $1.count } == 1972 * 3600)
        #expect(!days.contains(LocalDate("2026-01-09")!))
        #expect(!days.contains(LocalDate("2026-03-09")!))
        #expect(!days.contains(LocalDate("2026-12-31")!))
        #expect(days.contains(LocalDate("2026-12-30")!))
        // 30 April is a pre-holiday day: the afternoon ends at 17:00.
        #expect(calendar.wallIntervals(on: LocalDate("2026-04-30")!).map(\.description) == ["09:00-13:00", "14:00-17:00"])
        #expect(try ProductionCalendar.Year(json: year.json) == year)
    }

    @Test func aWorkedWeekendDayTakesMondaysHoursAndAShortOneLosesItsLastHour() throws {
        let year = try ProductionCalendar.Year(year: 2026, days: [
            .init(date: LocalDate("2026-02-21")!, kind: .working, title: "рабочая суббота"),
            .init(date: LocalDate("2026-02-28")!, kind: .short),
            .init(date: LocalDate("2026-03-02")!, kind: .holiday),
        ])
        let hours = try Self.hours(#"{"mon": [["10:00","12:00"], ["12:30","13:00"]], "tue": [["09:00","18:00"]]}"#)
        let calendar = WorkCalendar(timeZone: Self.zone("Europe/Moscow"), hours: hours, production: ProductionCalendar(years: [year]))
        #expect(calendar.wallIntervals(on: LocalDate("2026-02-21")!).map(\.description) == ["10:00-12:00", "12:30-13:00"])
        // The short day eats the 30-minute interval and 30 minutes of the one before it.
        #expect(calendar.wallIntervals(on: LocalDate("2026-02-28")!).map(\.description) == ["10:00-11:30"])
        #expect(calendar.wallIntervals(on: LocalDate("2026-03-02")!).isEmpty)
        #expect(calendar.wallIntervals(on: LocalDate("2026-03-03")!).map(\.description) == ["09:00-18:00"])
        #expect(calendar.wallIntervals(on: LocalDate("2026-02-22")!).isEmpty)
    }

    @Test(arguments: [
        (#"{"year": "2026", "days": []}"#, "year", "type"),
        (#"{"year": 1900, "days": []}"#, "year", "year"),
        (#"{"year": 2026}"#, "days", "type"),
        (#"{"year": 2026, "days": [{"date": "2026-02-30", "kind": "holiday"}]}"#, "days[0].date", "date"),
        (#"{"year": 2026, "days": [{"date": "26-01-01", "kind": "holiday"}]}"#, "days[0].date", "date"),
        (#"{"year": 2026, "days": [{"date": "2027-01-01", "kind": "holiday"}]}"#, "days[0].date", "date"),
        (#"{"year": 2026, "days": [{"date": "2026-01-01", "kind": "vacation"}]}"#, "days[0].kind", "kind"),
        (#"{"year": 2026, "days": [{"date": "2026-01-01", "kind": "holiday", "title": 1}]}"#, "days[0].title", "type"),
        (#"{"year": 2026, "days": [{"date": "2026-01-01", "kind": "holiday"}, {"date": "2026-01-01", "kind": "short"}]}"#, "days[1].date", "duplicate"),
    ])
    func badProductionYearsAreRefused(_ json: String, _ field: String, _ reason: String) {
        let problem = Self.reason { _ = try ProductionCalendar.Year(json: try JSON.parse(json)) }
        #expect(problem?.field == field)
        #expect(problem?.reason == reason)
    }

    // MARK: - Working intervals in UTC

    @Test func intervalsAreComputedInTheUsersZoneClippedAndWithoutPersonalDaysOff() throws {
        let calendar = try WorkCalendar(timeZoneIdentifier: "Asia/Vladivostok", daysOff: [LocalDate("2026-06-03")!])
        // In Vladivostok (+10) 09:00–18:00 is 23:00–08:00 UTC the day before: Monday 1 June is cut
        // at the window's start, Wednesday 3 June is a day off, Thursday 4 June is cut at its end.
        let intervals = calendar.workingIntervals(from: Self.at("2026-06-01T00:00:00Z"), to: Self.at("2026-06-04T00:00:00Z"))
        #expect(intervals == [Self.span("2026-06-01T00:00:00Z", "2026-06-01T08:00:00Z"),
                              Self.span("2026-06-01T23:00:00Z", "2026-06-02T08:00:00Z"),
                              Self.span("2026-06-03T23:00:00Z", "2026-06-04T00:00:00Z")])
        #expect(calendar.isWithinWorkingHours(start: Self.at("2026-06-01T23:00:00Z"), end: Self.at("2026-06-02T08:00:00Z")))
        #expect(!calendar.isWithinWorkingHours(start: Self.at("2026-06-01T22:59:59Z"), end: Self.at("2026-06-02T01:00:00Z")))
        #expect(!calendar.isWithinWorkingHours(start: Self.at("2026-06-02T23:00:00Z"), end: Self.at("2026-06-03T00:00:00Z")))
        #expect(!calendar.isWithinWorkingHours(start: Self.at("2026-06-01T23:00:00Z"), end: Self.at("2026-06-01T23:00:00Z")))
        #expect(calendar.workingIntervals(from: 10, to: 10).isEmpty)
        let problem = Self.reason { _ = try WorkCalendar(timeZoneIdentifier: "Mars/Olympus") }
        #expect(problem?.field == "timeZone")
    }

    @Test func aNightShiftThroughMidnightIsOneInterval() throws {
        let hours = try Self.hours(#"{"mon": [["22:00","24:00"]], "tue": [["00:00","06:00"]]}"#)
        let calendar = WorkCalendar(timeZone: Self.zone("UTC"), hours: hours)
        #expect(calendar.workingIntervals(from: Self.at("2026-06-01T00:00:00Z"), to: Self.at("2026-06-03T00:00:00Z"))
                == [Self.span("2026-06-01T22:00:00Z", "2026-06-02T06:00:00Z")])
    }

    static let everyDay = #"{"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]], "wed": [["09:00","18:00"]], "thu": [["09:00","18:00"]], "fri": [["09:00","18:00"]], "sat": [["09:00","18:00"]], "sun": [["09:00","18:00"]]}"#

    /// Berlin springs forward on Sunday 29 March 2026 (02:00 CET → 03:00 CEST) and falls back on
    /// Sunday 25 October (03:00 CEST → 02:00 CET): each day's 09:00–18:00 is 9 real hours, at
    /// 08:00Z before the change and at 07:00Z after.
    @Test func aWorkingDayOnTheDayTheClocksChangeLastsItsWallClockHours() throws {
        let calendar = WorkCalendar(timeZone: Self.zone("Europe/Berlin"), hours: try Self.hours(Self.everyDay))
        #expect(calendar.workingIntervals(from: Self.at("2026-03-28T00:00:00Z"), to: Self.at("2026-03-31T00:00:00Z")) == [
            Self.span("2026-03-28T08:00:00Z", "2026-03-28T17:00:00Z"),
            Self.span("2026-03-29T07:00:00Z", "2026-03-29T16:00:00Z"),
            Self.span("2026-03-30T07:00:00Z", "2026-03-30T16:00:00Z"),
        ])
        #expect(calendar.workingIntervals(from: Self.at("2026-10-24T00:00:00Z"), to: Self.at("2026-10-27T00:00:00Z")) == [
            Self.span("2026-10-24T07:00:00Z", "2026-10-24T16:00:00Z"),
            Self.span("2026-10-25T08:00:00Z", "2026-10-25T17:00:00Z"),
            Self.span("2026-10-26T08:00:00Z", "2026-10-26T17:00:00Z"),
        ])
    }

    /// New York springs forward on Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT, so 02:00–03:00
    /// never shows. A wall time in the gap stands for the instant the gap ends (07:00Z).
    @Test func aWallTimeInTheSpringForwardGapStandsForTheGapsEnd() throws {
        let hours = try Self.hours(#"{"sun": [["01:00","02:30"], ["02:40","02:50"], ["02:55","04:00"]]}"#)
        let calendar = WorkCalendar(timeZone: Self.zone("America/New_York"), hours: hours)
        #expect(calendar.workingIntervals(from: Self.at("2026-03-08T00:00:00Z"), to: Self.at("2026-03-09T00:00:00Z")) == [
            Self.span("2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z"),
        ])
        // 01:00 EST–04:00 EDT is 2 real hours; 02:40–02:50 vanished.
        #expect(Self.zone("America/New_York").instant(wall: Self.at("2026-03-08T02:30:00Z")) == Self.at("2026-03-08T07:00:00Z"))
        #expect(Self.zone("America/New_York").instant(wall: Self.at("2026-03-08T03:00:00Z")) == Self.at("2026-03-08T07:00:00Z"))
        #expect(Self.zone("America/New_York").instant(wall: Self.at("2026-03-08T01:59:59Z")) == Self.at("2026-03-08T06:59:59Z"))
    }

    /// New York falls back on Sunday 1 November 2026: 01:00–02:00 shows twice. A repeated wall
    /// time stands for its first occurrence (EDT), so 00:00–03:00 is 4 real hours.
    @Test func aRepeatedWallTimeStandsForItsFirstOccurrence() throws {
        let calendar = WorkCalendar(timeZone: Self.zone("America/New_York"), hours: try Self.hours(#"{"sun": [["00:00","03:00"]]}"#))
        #expect(calendar.workingIntervals(from: Self.at("2026-11-01T00:00:00Z"), to: Self.at("2026-11-02T00:00:00Z")) == [
            Self.span("2026-11-01T04:00:00Z", "2026-11-01T08:00:00Z"),
        ])
        #expect(Self.zone("America/New_York").instant(wall: Self.at("2026-11-01T01:30:00Z")) == Self.at("2026-11-01T05:30:00Z"))
        #expect(LocalDate(containing: Self.at("2026-11-01T04:59:59Z"), in: Self.zone("America/New_York")).text == "2026-11-01")
        #expect(LocalDate(containing: Self.at("2026-11-01T03:59:59Z"), in: Self.zone("America/New_York")).text == "2026-10-31")
    }

    @Test func datesKnowTheirWeekday() {
        #expect(LocalDate("1970-01-01")?.weekday == .thursday)
        #expect(LocalDate("2026-03-29")?.weekday == .sunday)
        #expect(LocalDate("1969-12-29")?.weekday == .monday)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-12-31")?.adding(days: 1).text == "2027-01-01")
    }
}

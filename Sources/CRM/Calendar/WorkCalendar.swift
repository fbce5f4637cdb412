import Foundation

/// When one user works: their weekly hours on the wall clock of their IANA zone, less their
/// personal days off, adjusted by the company's production calendar. Pure and immutable; every
/// answer is in Unix seconds (UTC), computed day by day in the user's zone, so a day when the
/// clocks change is as long in real time as its wall-clock hours say (09:00–18:00 is 9 hours)
/// — see `TimeZone.instant(wall:)` for wall times repeated or skipped by the change.
package struct WorkCalendar: Sendable {
    package let timeZone: TimeZone
    package let hours: WeeklyHours
    package let daysOff: Set<LocalDate>
    package let production: ProductionCalendar

    package init(timeZone: TimeZone, hours: WeeklyHours = .standard, daysOff: Set<LocalDate> = [],
                 production: ProductionCalendar = ProductionCalendar()) {
        self.timeZone = timeZone
        self.hours = hours
        self.daysOff = daysOff
        self.production = production
    }

    /// A calendar in the IANA zone `timeZoneIdentifier`; throws `CRMError.invalidValue`
    /// (field `timeZone`, reason `timeZone`) for a name this machine's tzdata does not know.
    package init(timeZoneIdentifier: String, hours: WeeklyHours = .standard, daysOff: Set<LocalDate> = [],
                 production: ProductionCalendar = ProductionCalendar()) throws(CRMError) {
        guard let zone = CompanyTime.zone(named: timeZoneIdentifier) else {
            throw CRMError.invalidValue(field: "timeZone", reason: "timeZone", message: "'\(timeZoneIdentifier)' is not a known IANA time zone")
        }
        self.init(timeZone: zone, hours: hours, daysOff: daysOff, production: production)
    }

    /// The wall-clock working intervals of `date`: none on a personal day off or a holiday; a
    /// `working` day takes the hours of the first working weekday; a `short` day loses the
    /// last hour of its working time (of the first working weekday's hours if it falls on a
    /// day off of the week, as a worked pre-holiday Saturday does).
    package func wallIntervals(on date: LocalDate) -> [WallInterval] {
        if daysOff.contains(date) { return [] }
        let own = hours.intervals(on: date.weekday)
        let template = hours.firstWorkingWeekday.map(hours.intervals(on:)) ?? []
        switch production.kind(on: date) {
        case .holiday: return []
        case .working: return own.isEmpty ? template : own
        case .short: return Self.shortened(own.isEmpty ? template : own, by: 60)
        case nil: return own
        }
    }

    /// The instants calendars answer for: 1900-01-01 up to 10000-01-01 UTC; time outside is
    /// never working time (and arithmetic on it cannot overflow).
    package static let supported: Range<Int64> = -2_208_988_800..<253_402_300_800

    /// The working time within [from, to), in UTC seconds: sorted, merged (a night shift that
    /// runs to 24:00 and resumes at 00:00 is one interval) and clipped to [from, to). The cost
    /// is linear in the days the window spans; callers bound the window.
    package func workingIntervals(from: Int64, to: Int64) -> [Range<Int64>] {
        let from = max(from, Self.supported.lowerBound), to = min(to, Self.supported.upperBound)
        guard from < to else { return [] }
        var result: [Range<Int64>] = []
        var date = LocalDate(containing: from, in: timeZone).adding(days: -1)
        let last = LocalDate(containing: to, in: timeZone).adding(days: 1)
        while date <= last {
            let midnight = date.daysSinceEpoch * 86_400
            for interval in wallIntervals(on: date) {
                let start = max(from, timeZone.instant(wall: midnight + Int64(interval.start.minutes) * 60))
                let end = min(to, timeZone.instant(wall: midnight + Int64(interval.end.minutes) * 60))
                if start < end { result.append(start..<end) }
            }
            date = date.adding(days: 1)
        }
        return Intervals.merge(result)
    }

    /// True when [start, end) is non-empty and lies wholly within working time.
    package func isWithinWorkingHours(start: Int64, end: Int64) -> Bool {
        workingIntervals(from: start, to: end) == [start..<end]
    }

    /// `intervals` less their last `minutes` of working time, taken from the end backwards.
    static func shortened(_ intervals: [WallInterval], by minutes: Int) -> [WallInterval] {
        var result = intervals, left = minutes
        while left > 0, let last = result.popLast() {
            if last.minutes > left {
                result.append(WallInterval(last.start, WallTime(minutes: last.end.minutes - left)!)!)
            }
            left -= last.minutes
        }
        return result
    }
}

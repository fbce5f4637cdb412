import Foundation

/// A calendar date with no time zone (`2026-03-09`), counted in days since 1970-01-01: a day
/// on somebody's wall calendar, which starts and ends at different instants in each zone.
package struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let daysSinceEpoch: Int64

    package init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The date `YYYY-MM-DD` names, nil unless it is a real calendar date.
    package init?(_ text: String) {
        guard let days = Timestamp.parseDate(text) else { return nil }
        daysSinceEpoch = days
    }

    /// The date on the wall calendar of `zone` at `instant` (Unix seconds).
    package init(containing instant: Int64, in zone: TimeZone) {
        self.init(daysSinceEpoch: floorDivide(instant + zone.offset(at: instant), 86_400))
    }

    /// `YYYY-MM-DD`.
    package var text: String { Timestamp.formatDate(days: daysSinceEpoch) }
    package var description: String { text }
    package var year: Int { Int(text.prefix(4)) ?? 0 }

    /// The ISO weekday; 1970-01-01 was a Thursday.
    package var weekday: Weekday { Weekday(rawValue: Int(floorModulo(daysSinceEpoch + 3, 7)) + 1)! }

    package func adding(days: Int64) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    package static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

/// An ISO weekday, Monday = 1 … Sunday = 7, with the short keys the JSON forms use (`mon`).
package enum Weekday: Int, Sendable, CaseIterable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    package var key: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue - 1] }

    package init?(key: String) {
        guard let day = Weekday.allCases.first(where: { $0.key == key }) else { return nil }
        self = day
    }

    package static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

import JSONKit

/// The company's production calendar (производственный календарь): the days that depart from
/// the weekly schedule, by year. A date has at most one kind.
package struct ProductionCalendar: Sendable, Hashable {
    /// How a date departs from the weekly schedule.
    package enum DayKind: String, Sendable, CaseIterable {
        /// A day off even on a weekday: a public holiday or a day off moved onto a weekday.
        case holiday
        /// A pre-holiday day (предпраздничный): worked, ending one hour earlier.
        case short
        /// A weekend day that is worked, with the hours of the first working weekday (Monday).
        case working
    }

    /// One date of a year and how it departs from the schedule.
    package struct Day: Sendable, Hashable {
        package let date: LocalDate
        package let kind: DayKind
        package let title: String?

        package init(date: LocalDate, kind: DayKind, title: String? = nil) {
            self.date = date
            self.kind = kind
            self.title = title
        }
    }

    /// The departures of one year, sorted by date, each date once; JSON form
    /// `{"year": 2026, "days": [{"date": "2026-01-01", "kind": "holiday", "title": "…"}]}`
    /// (the form `calendar.setHolidays` takes).
    package struct Year: Sendable, Hashable {
        package let year: Int
        package let days: [Day]

        /// Throws `CRMError.invalidValue` (reason `year`, `date`, `duplicate`) when a day is
        /// outside the year or a date comes twice.
        package init(year: Int, days: [Day]) throws(CRMError) {
            guard (1970...9999).contains(year) else {
                throw CRMError.invalidValue(field: "year", reason: "year", message: "the year must be within 1970–9999")
            }
            var seen = Set<LocalDate>()
            for (index, day) in days.enumerated() {
                guard day.date.year == year else {
                    throw CRMError.invalidValue(field: "days[\(index)].date", reason: "date", message: "\(day.date) is not in \(year)")
                }
                guard seen.insert(day.date).inserted else {
                    throw CRMError.invalidValue(field: "days[\(index)].date", reason: "duplicate", message: "\(day.date) is listed twice")
                }
            }
            self.year = year
            self.days = days.sorted { $0.date < $1.date }
        }

        /// A year from its JSON form; errors name the element (`days[3].kind`) with reason
        /// `type`, `year`, `date`, `kind`, `duplicate` or `tooLong` (a title over 200 characters).
        package init(json: JSON) throws(CRMError) {
            guard let object = json.objectValue else {
                throw CRMError.invalidValue(field: "", reason: "type", message: "an object {year, days} expected")
            }
            guard let year = object["year"]?.intValue else {
                throw CRMError.invalidValue(field: "year", reason: "type", message: "the year must be an integer")
            }
            guard let list = object["days"]?.arrayValue else {
                throw CRMError.invalidValue(field: "days", reason: "type", message: "a list of days expected")
            }
            let days = try list.enumerated().map { (index, item) throws(CRMError) in try Self.day(item, field: "days[\(index)]") }
            try self.init(year: year, days: days)
        }

        package var json: JSON {
            .object(["year": .int(year), "days": .array(days.map { day in
                var item: [String: JSON] = ["date": .string(day.date.text), "kind": .string(day.kind.rawValue)]
                if let title = day.title { item["title"] = .string(title) }
                return .object(item)
            })])
        }

        private static func day(_ item: JSON, field: String) throws(CRMError) -> Day {
            guard let object = item.objectValue else {
                throw CRMError.invalidValue(field: field, reason: "type", message: "an object {date, kind, title?} expected")
            }
            guard let text = object["date"]?.stringValue, let date = LocalDate(text) else {
                throw CRMError.invalidValue(field: "\(field).date", reason: "date", message: "a real date YYYY-MM-DD expected")
            }
            guard let name = object["kind"]?.stringValue, let kind = DayKind(rawValue: name) else {
                throw CRMError.invalidValue(field: "\(field).kind", reason: "kind", message: "the kind is one of holiday, short, working")
            }
            var title: String?
            if let value = object["title"], !value.isNull {
                guard let text = value.stringValue else {
                    throw CRMError.invalidValue(field: "\(field).title", reason: "type", message: "the title must be a string")
                }
                guard text.count <= 200 else {
                    throw CRMError.invalidValue(field: "\(field).title", reason: "tooLong", message: "longer than 200 characters")
                }
                title = text
            }
            return Day(date: date, kind: kind, title: title)
        }
    }

    private var byDate: [LocalDate: Day] = [:]

    /// A calendar of `years`; of two entries for the same year, the later one counts.
    package init(years: [Year] = []) {
        var latest: [Int: Year] = [:]
        for year in years { latest[year.year] = year }
        for year in latest.values { for day in year.days { byDate[day.date] = day } }
    }

    /// How `date` departs from the schedule, nil when it does not.
    package func kind(on date: LocalDate) -> DayKind? { byDate[date]?.kind }
}

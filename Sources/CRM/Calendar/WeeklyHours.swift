import JSONKit

/// A user's working hours for each ISO weekday, on the wall clock of their zone: sorted,
/// non-overlapping intervals per day (intervals may touch). Days with none are days off.
/// JSON form: `{"mon": [["09:00","13:00"], ["14:00","18:00"]], …, "sat": [], "sun": []}`.
package struct WeeklyHours: Sendable, Hashable {
    private let days: [[WallInterval]]  // index: weekday.rawValue - 1

    /// Monday to Friday 09:00–18:00.
    package static let standard: WeeklyHours = {
        let day = [WallInterval(WallTime(minutes: 9 * 60)!, WallTime(minutes: 18 * 60)!)!]
        return try! WeeklyHours([.monday: day, .tuesday: day, .wednesday: day, .thursday: day, .friday: day])
    }()

    /// Hours from intervals per weekday (a weekday left out has none); throws
    /// `CRMError.invalidValue` (reason `overlap`) when two intervals of one day overlap.
    package init(_ intervals: [Weekday: [WallInterval]], field: String = "workingHours") throws(CRMError) {
        var days = Array(repeating: [WallInterval](), count: 7)
        for (weekday, list) in intervals {
            let sorted = list.sorted { $0.start < $1.start }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where next.start < previous.end {
                throw CRMError.invalidValue(field: "\(field).\(weekday.key)", reason: "overlap",
                                            message: "\(previous) overlaps \(next)")
            }
            days[weekday.rawValue - 1] = sorted
        }
        self.days = days
    }

    /// Hours from their JSON form; a weekday left out has none. Throws `CRMError.invalidValue`
    /// naming the offending element (`workingHours.mon[1]`) with reason `type`, `unknownWeekday`,
    /// `time` (not `HH:MM`), `order` (end not after start) or `overlap`.
    package init(json: JSON, field: String = "workingHours") throws(CRMError) {
        guard let object = json.objectValue else {
            throw CRMError.invalidValue(field: field, reason: "type", message: "an object of weekdays (mon…sun) expected")
        }
        var intervals: [Weekday: [WallInterval]] = [:]
        for key in object.keys.sorted() {
            guard let weekday = Weekday(key: key) else {
                throw CRMError.invalidValue(field: "\(field).\(key)", reason: "unknownWeekday",
                                            message: "'\(key)' is not a weekday; use mon, tue, wed, thu, fri, sat, sun")
            }
            guard let list = object[key]?.arrayValue else {
                throw CRMError.invalidValue(field: "\(field).\(key)", reason: "type", message: "a list of [start, end] pairs expected")
            }
            intervals[weekday] = try list.enumerated().map { (index, pair) throws(CRMError) in
                try Self.interval(pair, field: "\(field).\(key)[\(index)]")
            }
        }
        try self.init(intervals, field: field)
    }

    /// The working intervals of `weekday`, sorted.
    package func intervals(on weekday: Weekday) -> [WallInterval] { days[weekday.rawValue - 1] }

    /// The first weekday (from Monday) that has working hours, nil when none does.
    package var firstWorkingWeekday: Weekday? { Weekday.allCases.first { !intervals(on: $0).isEmpty } }

    /// The JSON form, every weekday present.
    package var json: JSON {
        .object(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { day in
            (day.key, JSON.array(intervals(on: day).map { .array([.string($0.start.text), .string($0.end.text)]) }))
        }))
    }

    private static func interval(_ pair: JSON, field: String) throws(CRMError) -> WallInterval {
        guard let items = pair.arrayValue, items.count == 2, let from = items[0].stringValue, let to = items[1].stringValue else {
            throw CRMError.invalidValue(field: field, reason: "type", message: "a pair [\"HH:MM\", \"HH:MM\"] expected")
        }
        guard let start = WallTime(from), start.minutes < 1440 else {
            throw CRMError.invalidValue(field: field, reason: "time", message: "'\(from)' is not a time HH:MM (00:00–23:59)")
        }
        guard let end = WallTime(to) else {
            throw CRMError.invalidValue(field: field, reason: "time", message: "'\(to)' is not a time HH:MM (00:00–24:00)")
        }
        guard let interval = WallInterval(start, end) else {
            throw CRMError.invalidValue(field: field, reason: "order", message: "the end \(to) is not after the start \(from)")
        }
        return interval
    }
}

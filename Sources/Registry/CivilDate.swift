import Foundation

/// Calendar days of instants, in UTC.
enum CivilDate {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// "YYYY-MM-DD" of the UTC day containing the instant `epochMilliseconds` after 1970-01-01.
    static func utcDay(epochMilliseconds: Int64) -> String {
        let instant = Date(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return pad(parts.year ?? 0, 4) + "-" + pad(parts.month ?? 0, 2) + "-" + pad(parts.day ?? 0, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

import Foundation
import JSONKit
import Storage

/// The company's calendar: the settings' `timeZone` (an IANA zone, default Europe/Moscow)
/// decides which day it is, so an invoice's default date, the year that numbers it, `overdue`
/// and every other "today" follow the company's wall clock, not UTC.
package enum CompanyTime {
    package static let defaultZoneName = "Europe/Moscow"

    /// The zone `name` names when it is an IANA zone this machine knows (tzdata), nil otherwise.
    /// Foundation also takes forms like `GMT+3` or `EST`; only IANA names (and `UTC`, `Etc/…`) pass.
    package static func zone(named name: String) -> TimeZone? {
        guard let zone = TimeZone(identifier: name) else { return nil }
        let iana = name == "UTC" || name.hasPrefix("Etc/") || TimeZone.knownTimeZoneIdentifiers.contains(name)
        return iana ? zone : nil
    }

    /// The zone the settings name; Europe/Moscow when they name none (or one this machine no
    /// longer knows), and a fixed UTC+3 if even that is missing from tzdata.
    static func zone(_ settings: [String: JSON]) -> TimeZone {
        if let name = settings["timeZone"]?.stringValue, let zone = zone(named: name) { return zone }
        return TimeZone(identifier: defaultZoneName) ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .gmt
    }

    /// The date (`YYYY-MM-DD`) on the company's wall clock at `now` (seconds since the epoch).
    package static func today(at now: Int64, in zone: TimeZone) -> String {
        let local = now + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(now))))
        return Timestamp.formatDate(days: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// The instants (seconds since the epoch) at which the day `date` (`YYYY-MM-DD`) begins and
    /// the next one begins on the wall clock of `zone`; 23 or 25 hours apart on a DST change.
    package static func dayBounds(_ date: String, in zone: TimeZone) -> (start: Int64, end: Int64) {
        let days = Timestamp.parseDate(date) ?? 0
        return (midnight(days, zone), midnight(days + 1, zone))
    }

    /// The first instant of local day `days` (since the epoch) in `zone`.
    static func midnight(_ days: Int64, _ zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let guess = Date(timeIntervalSince1970: TimeInterval(days * 86_400 - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(days * 86_400))))))
        return Int64(calendar.startOfDay(for: guess.addingTimeInterval(3 * 3600)).timeIntervalSince1970)
    }
}

extension CRM {
    /// Today in the company's time zone, by the CRM's clock and the settings in `db`.
    func today(_ db: Database) throws -> String {
        CompanyTime.today(at: clock.now(), in: CompanyTime.zone(try SettingsService.load(db)))
    }

    /// Today in the company's time zone, reading the settings in a transaction of its own.
    package func today() throws -> String { try pool.read { try today($0) } }
}

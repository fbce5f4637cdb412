import Foundation

/// Writes meetings, calls and tasks as one RFC 5545 calendar: `VCALENDAR` (PUBLISH) with a
/// `VTIMEZONE` for every zone the items use, then a `VEVENT` or `VTODO` per item; CRLF line
/// ends, lines folded at 75 octets. Pure: the same items and stamp give the same bytes.
package struct ICalendarWriter: Sendable {
    package static let productID = "-//crmd//crmd//RU"
    /// Zones written as UTC (`…Z`), with no TZID and no VTIMEZONE.
    static let utcNames: Set<String> = ["UTC", "Etc/UTC", "GMT", "Etc/GMT"]

    /// DTSTAMP of every item: when the calendar is produced.
    package let stamp: Int64

    package init(stamp: Int64) { self.stamp = stamp }

    /// The calendar text. Throws `CRMError.invalidValue` naming the item (`items[2].end`) for
    /// an empty uid, an unknown zone, an event without start or end, an end or due before the
    /// start, a negative sequence, or a status the kind does not have.
    package func write(_ items: [ICalendarItem]) throws(CRMError) -> String {
        var zones: [String: (zone: TimeZone, from: Int64, to: Int64)] = [:]
        var bodies: [[String]] = []
        for (index, item) in items.enumerated() {
            let zone = try validate(item, field: "items[\(index)]")
            let times = [item.start, item.end, item.due].compactMap { $0 }
            if !Self.utcNames.contains(item.timeZone), let low = times.min(), let high = times.max() {
                let known = zones[item.timeZone]
                zones[item.timeZone] = (zone, min(low, known?.from ?? low), max(high, known?.to ?? high))
            }
            bodies.append(component(item, zone: zone))
        }
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(Self.productID)", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        for id in zones.keys.sorted() {
            let span = zones[id]!
            lines += Self.timeZoneLines(span.zone, id: id, from: span.from, to: span.to)
        }
        lines += bodies.flatMap { $0 }
        lines.append("END:VCALENDAR")
        return lines.flatMap(ICalendarText.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func component(_ item: ICalendarItem, zone: TimeZone) -> [String] {
        let name = item.kind == .event ? "VEVENT" : "VTODO"
        let time = { (property: String, instant: Int64) -> String in
            Self.utcNames.contains(item.timeZone)
                ? "\(property):\(ICalendarText.utc(instant))"
                : "\(property);TZID=\(item.timeZone):\(ICalendarText.local(instant + zone.offset(at: instant)))"
        }
        var lines = ["BEGIN:\(name)", "UID:\(ICalendarText.escape(item.uid))", "DTSTAMP:\(ICalendarText.utc(stamp))"]
        if let start = item.start { lines.append(time("DTSTART", start)) }
        if item.kind == .event, let end = item.end { lines.append(time("DTEND", end)) }
        if item.kind == .todo, let due = item.due { lines.append(time("DUE", due)) }
        lines.append("SUMMARY:\(ICalendarText.escape(item.summary))")
        if let description = item.description { lines.append("DESCRIPTION:\(ICalendarText.escape(description))") }
        if let location = item.location { lines.append("LOCATION:\(ICalendarText.escape(location))") }
        if let status = item.status { lines.append("STATUS:\(status.rawValue)") }
        if item.kind == .todo, item.status == .completed, let completed = item.completed {
            lines.append("COMPLETED:\(ICalendarText.utc(completed))")
        }
        lines.append("SEQUENCE:\(item.sequence)")
        if let created = item.created { lines.append("CREATED:\(ICalendarText.utc(created))") }
        if let modified = item.lastModified { lines.append("LAST-MODIFIED:\(ICalendarText.utc(modified))") }
        if let organizer = item.organizer, let line = Self.person("ORGANIZER", organizer) { lines.append(line) }
        lines += item.attendees.compactMap { Self.person("ATTENDEE", $0) }
        if !item.categories.isEmpty { lines.append("CATEGORIES:" + item.categories.map(ICalendarText.escape).joined(separator: ",")) }
        return lines + ["END:\(name)"]
    }

    private static func person(_ property: String, _ person: ICalendarItem.Person) -> String? {
        let email = (person.email ?? "").unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
        guard !email.isEmpty else { return nil }
        let name = ICalendarText.parameter(person.name)
        return property + (name.isEmpty ? "" : ";CN=\(name)") + ":mailto:" + String(String.UnicodeScalarView(email))
    }

    private func validate(_ item: ICalendarItem, field: String) throws(CRMError) -> TimeZone {
        func refuse(_ name: String, _ reason: String, _ message: String) -> CRMError {
            .invalidValue(field: "\(field).\(name)", reason: reason, message: message)
        }
        guard !item.uid.isEmpty else { throw refuse("uid", "empty", "an item needs a uid") }
        guard item.sequence >= 0 else { throw refuse("sequence", "negative", "the sequence cannot be negative") }
        guard let zone = Self.utcNames.contains(item.timeZone) ? TimeZone(identifier: "UTC") : CompanyTime.zone(named: item.timeZone) else {
            throw refuse("timeZone", "timeZone", "'\(item.timeZone)' is not a known IANA time zone")
        }
        switch item.kind {
        case .event:
            guard let start = item.start else { throw refuse("start", "required", "an event needs a start") }
            guard let end = item.end else { throw refuse("end", "required", "an event needs an end") }
            guard end >= start else { throw refuse("end", "order", "the end is before the start") }
            guard [nil, .confirmed, .tentative, .cancelled].contains(item.status) else {
                throw refuse("status", "status", "an event is CONFIRMED, TENTATIVE or CANCELLED")
            }
        case .todo:
            if let start = item.start, let due = item.due, due < start { throw refuse("due", "order", "the due time is before the start") }
            guard [nil, .needsAction, .inProcess, .completed, .cancelled].contains(item.status) else {
                throw refuse("status", "status", "a task is NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED")
            }
        }
        return zone
    }
}

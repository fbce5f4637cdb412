import Foundation

/// VTIMEZONE components built from Foundation's tzdata: one STANDARD or DAYLIGHT observance per
/// offset change that matters to the events, from the change in force at the first of them to
/// the last change before the last of them. No RRULE: every onset is listed.
extension ICalendarWriter {
    /// The content lines (unfolded) of the VTIMEZONE for `zone` covering instants [from, to].
    static func timeZoneLines(_ zone: TimeZone, id: String, from: Int64, to: Int64) -> [String] {
        var onsets: [Int64] = []
        if let previous = lastTransition(in: zone, atOrBefore: from) { onsets.append(previous) }
        var cursor = from
        while let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(cursor))),
              Int64(next.timeIntervalSince1970) <= to {
            cursor = Int64(next.timeIntervalSince1970)
            onsets.append(cursor)
        }
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(id)"]
        if onsets.isEmpty {
            // No change ever (or none Foundation knows of): one observance since 1970.
            let offset = zone.offset(at: from)
            lines += observance("STANDARD", onset: "19700101T000000", from: offset, to: offset)
        }
        for onset in onsets {
            let before = zone.offset(at: onset - 1), after = zone.offset(at: onset)
            let daylight = zone.isDaylightSavingTime(for: Date(timeIntervalSince1970: TimeInterval(onset)))
            lines += observance(daylight ? "DAYLIGHT" : "STANDARD", onset: ICalendarText.local(onset + before), from: before, to: after)
        }
        return lines + ["END:VTIMEZONE"]
    }

    private static func observance(_ name: String, onset: String, from: Int64, to: Int64) -> [String] {
        ["BEGIN:\(name)", "DTSTART:\(onset)", "TZOFFSETFROM:\(ICalendarText.offset(from))",
         "TZOFFSETTO:\(ICalendarText.offset(to))", "TZNAME:\(ICalendarText.offsetName(to))", "END:\(name)"]
    }

    /// The last offset change at or before `instant`, looking back 1, 2, 4 … years to 1900.
    private static func lastTransition(in zone: TimeZone, atOrBefore instant: Int64) -> Int64? {
        var lookBack: Int64 = 366 * 86_400
        while instant - lookBack / 2 > -2_208_988_800 {
            var cursor = instant - lookBack, last: Int64?
            while let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(cursor))),
                  Int64(next.timeIntervalSince1970) <= instant {
                cursor = Int64(next.timeIntervalSince1970)
                last = cursor
            }
            if let last { return last }
            lookBack *= 2
        }
        return nil
    }
}

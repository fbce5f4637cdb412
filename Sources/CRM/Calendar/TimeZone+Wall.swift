import Foundation

/// Reading a zone's wall clock: the offset in force at an instant, and the instant a wall time
/// names. Both are exact to the second and cost a few `secondsFromGMT` calls.
extension TimeZone {
    /// Seconds east of UTC in force at `instant`.
    package func offset(at instant: Int64) -> Int64 {
        Int64(secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The instant at which this zone's clocks show `wall` (seconds since 1970-01-01T00:00 on the
    /// wall clock).
    /// - A wall time shown twice (the hour repeated when clocks fall back) names its FIRST
    ///   occurrence, as RFC 5545 reads DTSTART.
    /// - A wall time never shown (inside the gap when clocks spring forward) names the instant
    ///   the gap ends: a working day that would begin at 02:30 in a 02:00→03:00 gap begins at
    ///   03:00, and an interval lying wholly inside the gap becomes empty.
    package func instant(wall: Int64) -> Int64 {
        let before = offset(at: wall - 86_400), after = offset(at: wall + 86_400)
        for offset in [max(before, after), min(before, after)] where self.offset(at: wall - offset) == offset {
            return wall - offset
        }
        // In a gap: the transition lies in (wall - after, wall - before]; find its first second.
        var low = wall - max(before, after), high = wall - min(before, after)
        let early = self.offset(at: low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if self.offset(at: middle) == early { low = middle } else { high = middle }
        }
        return high
    }
}

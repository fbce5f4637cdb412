/// A time of day on the wall clock, `HH:MM`, as minutes after midnight (0…1440; `24:00` is the
/// day's end and only ends an interval).
package struct WallTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let minutes: Int

    package init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// `09:00`, `18:30`, `24:00`; nil for anything else (`9:00`, `18:60`, `24:01`).
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
              bytes.indices.allSatisfy({ $0 == 2 || (0x30...0x39).contains(bytes[$0]) }) else { return nil }
        let digit = { (i: Int) in Int(bytes[i] - 0x30) }
        let hours = digit(0) * 10 + digit(1), minutes = digit(3) * 10 + digit(4)
        guard minutes < 60, hours * 60 + minutes <= 1440 else { return nil }
        self.minutes = hours * 60 + minutes
    }

    package var text: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }
    package var description: String { text }

    package static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.minutes < rhs.minutes }
}

/// Working time within one day on the wall clock, `start` before `end`.
package struct WallInterval: Sendable, Hashable, CustomStringConvertible {
    package let start: WallTime
    package let end: WallTime

    /// nil unless `start` is before `end`.
    package init?(_ start: WallTime, _ end: WallTime) {
        guard start < end else { return nil }
        self.start = start
        self.end = end
    }

    package var minutes: Int { end.minutes - start.minutes }
    package var description: String { "\(start)-\(end)" }
}

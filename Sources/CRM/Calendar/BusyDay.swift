/// One owner's busy time on one UTC day, as `busy_days` keeps it: the union of their
/// `busy_slots` cut to [day × 86,400, (day + 1) × 86,400), sorted, disjoint and not touching.
/// Pure: the day numbering, splitting merged intervals into days, and the blob format.
///
/// Format 1 of the blob: the byte 1, then six bytes per interval, its start and its end as
/// seconds since the day's start, each three bytes little-endian (a day's 86,400 seconds fit in
/// 17 bits). Fixed-width so that reading is two loads and a few compares per interval, without
/// branches on lengths: a day of meetings every four minutes is about 2 KB. Reading checks every interval (the byte count, positive lengths, nothing
/// touching or overlapping the one before, nothing past the day's end), also those outside
/// the hours asked for; a blob that breaks a rule is `Corrupt`, never a guess.
enum BusyDay {
    static let seconds: Int64 = 86_400
    static let format: UInt8 = 1

    /// The UTC day number of `instant`: floor(instant / 86,400).
    static func day(containing instant: Int64) -> Int64 { floorDivide(instant, seconds) }

    static func span(of day: Int64) -> Range<Int64> { day * seconds..<(day + 1) * seconds }

    /// The days that `ranges` (any order; empty ones touch none) touch, each once, ascending.
    static func days(touchedBy ranges: some Sequence<Range<Int64>>) -> [Int64] {
        var days = Set<Int64>()
        for range in ranges where !range.isEmpty {
            for day in day(containing: range.lowerBound)...day(containing: range.upperBound - 1) { days.insert(day) }
        }
        return days.sorted()
    }

    /// `merged` (sorted, disjoint) cut at each UTC midnight, grouped by day, ascending.
    static func split(_ merged: [Range<Int64>]) -> [(day: Int64, intervals: [Range<Int64>])] {
        var result: [(day: Int64, intervals: [Range<Int64>])] = []
        for range in merged where !range.isEmpty {
            var low = range.lowerBound
            while low < range.upperBound {
                let day = day(containing: low)
                let high = min(range.upperBound, span(of: day).upperBound)
                if result.last?.day == day { result[result.count - 1].intervals.append(low..<high) } else { result.append((day, [low..<high])) }
                low = high
            }
        }
        return result
    }

    /// A stored blob that does not decode: the byte offset and the rule it breaks.
    struct Corrupt: Error, Equatable, CustomStringConvertible {
        let offset: Int
        let problem: String
        var description: String { "intervals: \(problem) at byte \(offset)" }
    }

    /// The blob of `intervals` of `day`: sorted, disjoint, not touching, non-empty, within the day
    /// (as `split` gives them). Breaking that is a programming error.
    static func encode(_ intervals: [Range<Int64>], day: Int64) -> [UInt8] {
        let span = span(of: day)
        var bytes: [UInt8] = [format]
        bytes.reserveCapacity(1 + intervals.count * 6)
        var previous = span.lowerBound - 1
        for interval in intervals {
            precondition(!interval.isEmpty && interval.lowerBound > previous && interval.upperBound <= span.upperBound,
                         "busy intervals of a day must be sorted, disjoint, not touching and within the day")
            append(interval.lowerBound - span.lowerBound, to: &bytes)
            append(interval.upperBound - span.lowerBound, to: &bytes)
            previous = interval.upperBound
        }
        return bytes
    }

    /// Three bytes little-endian of a second of the day (0...86,400).
    private static func append(_ value: Int64, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
    }

    /// Reads a blob of `day`, checking all of it, and appends what of it lies within `windows`
    /// (merged) to `intervals`; a piece that starts where the last one there ends (a meeting
    /// over midnight) is joined to it. `window` is the first window a later interval can
    /// overlap: start at 0 and pass it on from day to day, reading the days in order.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, day: Int64, within windows: [Range<Int64>], from window: inout Int,
                       into intervals: inout [Range<Int64>]) throws(Corrupt) {
        guard let version = bytes.first else { throw Corrupt(offset: 0, problem: "empty (a day with no busy time has no row)") }
        guard version == format else { throw Corrupt(offset: 0, problem: "unknown format \(version)") }
        guard bytes.count > 1 else { throw Corrupt(offset: 1, problem: "no intervals") }
        let tail = (bytes.count - 1) % 6
        guard tail == 0 else { throw Corrupt(offset: bytes.count - tail, problem: "an interval cut short") }
        let base = span(of: day).lowerBound, raw = UnsafeRawBufferPointer(bytes)
        var previous: Int64 = -1, offset = 1
        while offset < bytes.count {
            // Bytes 0–3 and 2–5 of the six: both loads stay inside the interval.
            let start = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) & 0xff_ffff)
            let end = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 2, as: UInt32.self)) >> 8)
            guard start > previous else { throw Corrupt(offset: offset, problem: "an interval touches or overlaps the one before") }
            guard end > start else { throw Corrupt(offset: offset, problem: "an empty interval") }
            guard end <= seconds else { throw Corrupt(offset: offset, problem: "an interval past the end of the day") }
            previous = end
            offset += 6
            let low = base + start, high = base + end
            while window < windows.count, windows[window].upperBound <= low { window += 1 }
            var next = window
            while next < windows.count, windows[next].lowerBound < high {
                let piece = max(low, windows[next].lowerBound)..<min(high, windows[next].upperBound)
                if let last = intervals.last, last.upperBound == piece.lowerBound {
                    intervals[intervals.count - 1] = last.lowerBound..<piece.upperBound
                } else {
                    intervals.append(piece)
                }
                next += 1
            }
        }
    }

    /// All the intervals of a blob of `day`.
    static func decode(_ bytes: [UInt8], day: Int64) throws(Corrupt) -> [Range<Int64>] {
        var intervals: [Range<Int64>] = [], window = 0
        try bytes.withUnsafeBufferPointer { buffer throws(Corrupt) in
            try decode(buffer, day: day, within: [span(of: day)], from: &window, into: &intervals)
        }
        return intervals
    }
}

/// One owner's busy time on one UTC day, as `busy_days` keeps it: the union of their
/// `busy_slots` cut to [day × 86,400, (day + 1) × 86,400), sorted, disjoint and not touching.
/// Pure: the day numbering, splitting merged intervals into days, and the blob format.
///
/// Format 1 of the blob: the byte 1, then for each interval two unsigned LEB128 numbers, the
/// gap since the end of the one before (since the day's start for the first) and the length.
/// Every number is at most a day, so at most three bytes; a full day of five-minute meetings
/// takes under a kilobyte. Decoding checks every rule (canonical numbers, positive lengths and
/// gaps after the first, nothing past the day's end); a blob that breaks one is `Corrupt`.
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
        bytes.reserveCapacity(1 + intervals.count * 4)
        var previous = span.lowerBound
        for (index, interval) in intervals.enumerated() {
            precondition(!interval.isEmpty && interval.upperBound <= span.upperBound
                         && (index == 0 ? interval.lowerBound >= previous : interval.lowerBound > previous),
                         "busy intervals of a day must be sorted, disjoint, not touching and within the day")
            append(interval.lowerBound - previous, to: &bytes)
            append(interval.upperBound - interval.lowerBound, to: &bytes)
            previous = interval.upperBound
        }
        return bytes
    }

    /// The intervals a blob of `day` holds, appended to `intervals`; when the first starts where
    /// the last already there ends (a meeting over midnight), the two are joined.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, day: Int64, into intervals: inout [Range<Int64>]) throws(Corrupt) {
        guard let version = bytes.first else { throw Corrupt(offset: 0, problem: "empty (a day with no busy time has no row)") }
        guard version == format else { throw Corrupt(offset: 0, problem: "unknown format \(version)") }
        let span = span(of: day)
        var offset = 1, previous = span.lowerBound, first = true
        while offset < bytes.count {
            let gap = try number(bytes, &offset), length = try number(bytes, &offset)
            guard first || gap > 0 else { throw Corrupt(offset: offset, problem: "an interval touches the one before") }
            guard length > 0 else { throw Corrupt(offset: offset, problem: "an empty interval") }
            let start = previous + gap, end = start + length
            guard end <= span.upperBound else { throw Corrupt(offset: offset, problem: "an interval past the end of the day") }
            if first, let last = intervals.last, last.upperBound == start {
                intervals[intervals.count - 1] = last.lowerBound..<end
            } else {
                intervals.append(start..<end)
            }
            previous = end
            first = false
        }
        guard !first else { throw Corrupt(offset: offset, problem: "no intervals") }
    }

    static func decode(_ bytes: [UInt8], day: Int64) throws(Corrupt) -> [Range<Int64>] {
        var intervals: [Range<Int64>] = []
        try bytes.withUnsafeBufferPointer { buffer throws(Corrupt) in try decode(buffer, day: day, into: &intervals) }
        return intervals
    }

    private static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// One canonical LEB128 number of at most three bytes and at most a day.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) throws(Corrupt) -> Int64 {
        let start = offset
        var value: Int64 = 0, shift: Int64 = 0
        while true {
            guard offset < bytes.count else { throw Corrupt(offset: start, problem: "a number cut short") }
            let byte = bytes[offset]
            offset += 1
            value |= Int64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || offset - start == 1 else { throw Corrupt(offset: start, problem: "a number not in its shortest form") }
                break
            }
            shift += 7
            guard shift < 21 else { throw Corrupt(offset: start, problem: "a number longer than three bytes") }
        }
        guard value <= seconds else { throw Corrupt(offset: start, problem: "a number over a day") }
        return value
    }
}

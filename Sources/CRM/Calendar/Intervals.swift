/// Set operations on lists of half-open time intervals (Unix seconds). `merge` accepts any
/// list; the others take lists already merged (sorted, disjoint, not touching) and return one
/// in O(n + m).
package enum Intervals {
    /// The union of `ranges` in any order: sorted, with overlapping and touching ranges joined
    /// and empty ones dropped. Ranges already in order of their starts (busy time read from
    /// `busy_days`) are joined in one sweep; others have their starts and ends sorted apart (two
    /// radix sorts of plain integers, linear in the count) and swept with a depth counter.
    package static func merge(_ ranges: [Range<Int64>]) -> [Range<Int64>] {
        if zip(ranges, ranges.dropFirst()).allSatisfy({ $0.lowerBound <= $1.lowerBound }) {
            var result: [Range<Int64>] = []
            for range in ranges where !range.isEmpty {
                if let last = result.last, range.lowerBound <= last.upperBound {
                    if range.upperBound > last.upperBound { result[result.count - 1] = last.lowerBound..<range.upperBound }
                } else {
                    result.append(range)
                }
            }
            return result
        }
        var starts: [Int64] = [], ends: [Int64] = []
        starts.reserveCapacity(ranges.count)
        ends.reserveCapacity(ranges.count)
        for range in ranges where !range.isEmpty {
            starts.append(range.lowerBound)
            ends.append(range.upperBound)
        }
        guard !starts.isEmpty else { return [] }
        radixSort(&starts)
        radixSort(&ends)
        var result: [Range<Int64>] = []
        var depth = 0, open: Int64 = 0, j = 0
        for start in starts {
            while ends[j] < start {
                depth -= 1
                if depth == 0 { result.append(open..<ends[j]) }
                j += 1
            }
            if depth == 0 { open = start }
            depth += 1
        }
        result.append(open..<ends[ends.count - 1])
        return result
    }

    /// Sorts integers by their distance from the least, 11 bits a pass (two passes for a month
    /// of seconds): linear time, several times faster than a comparison sort for the busy lists.
    static func radixSort(_ values: inout [Int64]) {
        guard values.count > 64, let least = values.min(), let most = values.max() else { return values.sort() }
        let span = UInt64(bitPattern: most &- least)
        var scratch = [Int64](repeating: 0, count: values.count)
        var counts = [Int](repeating: 0, count: 2049)
        var shift: UInt64 = 0
        values.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                counts.withUnsafeMutableBufferPointer { counts in
                    var (from, to) = (source, target)
                    while shift < 64, span >> shift != 0 {
                        let digit = { (value: Int64) in Int((UInt64(bitPattern: value &- least) >> shift) & 2047) }
                        counts.update(repeating: 0)
                        for value in from { counts[digit(value) + 1] += 1 }
                        for i in 1..<2049 { counts[i] += counts[i - 1] }
                        for value in from {
                            let d = digit(value)
                            to[counts[d]] = value
                            counts[d] += 1
                        }
                        swap(&from, &to)
                        shift += 11
                    }
                    if from.baseAddress != source.baseAddress { _ = source.update(fromContentsOf: from) }
                }
            }
        }
    }

    /// The ranges of `ranges` (any order) that overlap some range of `merged`: what can matter
    /// to it, so that busy time at night costs nothing further. A table of the first range
    /// ending after each hour (or each 1/4096 of the span) replaces a binary search per range,
    /// whose mispredicted branches would cost more than the rest of `FreeSlots.find`.
    package static func overlapping(_ ranges: [Range<Int64>], _ merged: [Range<Int64>]) -> [Range<Int64>] {
        guard let first = merged.first?.lowerBound, let last = merged.last?.upperBound else { return [] }
        let width = max(3600, (last - first) / 4096 + 1)
        let buckets = Int((last - first) / width) + 1
        var table = [Int](repeating: 0, count: buckets)
        var index = 0
        for bucket in 0..<buckets {
            let bucketStart = first + Int64(bucket) * width
            while index < merged.count, merged[index].upperBound <= bucketStart { index += 1 }
            table[bucket] = index
        }
        var result: [Range<Int64>] = []
        result.reserveCapacity(ranges.count)
        merged.withUnsafeBufferPointer { merged in
            table.withUnsafeBufferPointer { table in
                for range in ranges where range.lowerBound < range.upperBound && range.upperBound > first && range.lowerBound < last {
                    var i = range.lowerBound <= first ? 0 : table[Int((range.lowerBound - first) / width)]
                    while i < merged.count, merged[i].upperBound <= range.lowerBound { i += 1 }
                    if i < merged.count, merged[i].lowerBound < range.upperBound { result.append(range) }
                }
            }
        }
        return result
    }

    /// The union of several merged lists.
    package static func union(_ lists: [[Range<Int64>]]) -> [Range<Int64>] {
        lists.count == 1 ? lists[0] : merge(lists.flatMap { $0 })
    }

    /// What of `a` lies in `b`.
    package static func intersect(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let low = max(a[i].lowerBound, b[j].lowerBound), high = min(a[i].upperBound, b[j].upperBound)
            if low < high { result.append(low..<high) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return result
    }

    /// What of `a` lies outside `b`.
    package static func subtract(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var j = 0
        for range in a {
            var low = range.lowerBound
            while j < b.count, b[j].upperBound <= low { j += 1 }
            var k = j
            while k < b.count, b[k].lowerBound < range.upperBound {
                if b[k].lowerBound > low { result.append(low..<b[k].lowerBound) }
                low = max(low, b[k].upperBound)
                k += 1
            }
            if low < range.upperBound { result.append(low..<range.upperBound) }
        }
        return result
    }

    /// `ranges` (merged) cut to `window`.
    package static func clip(_ ranges: [Range<Int64>], to window: Range<Int64>) -> [Range<Int64>] {
        ranges.compactMap { range in
            let low = max(range.lowerBound, window.lowerBound), high = min(range.upperBound, window.upperBound)
            return low < high ? low..<high : nil
        }
    }
}

/// An HDR-style latency histogram over nanoseconds: exact below 256 ns, then 128 linear
/// sub-buckets per power of two (relative error under 0.8 %), fixed size, so recording is
/// an index computation and an increment. One per connection thread; merged at the end.
struct LatencyHistogram {
    private static let subBucketBits = 7
    private static let subBuckets = 1 << subBucketBits  // 128
    private static let bucketCount = 64 * subBuckets

    private var counts: [UInt64]
    private(set) var total: UInt64 = 0
    private(set) var maximum: UInt64 = 0
    private(set) var minimum: UInt64 = .max
    private(set) var sum: Double = 0

    init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
    }

    @inline(__always)
    private static func index(_ value: UInt64) -> Int {
        if value < UInt64(2 * subBuckets) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount  // >= 8
        let shift = magnitude - subBucketBits            // >= 1
        return shift * subBuckets + Int(value >> UInt64(shift))
    }

    /// The highest value that falls into bucket `index`.
    private static func upperBound(_ index: Int) -> UInt64 {
        if index < 2 * subBuckets { return UInt64(index) }
        let shift = index / subBuckets - 1
        let sub = UInt64(index - shift * subBuckets)
        return ((sub + 1) << UInt64(shift)) - 1
    }

    @inline(__always)
    mutating func record(_ nanoseconds: UInt64) {
        counts.withUnsafeMutableBufferPointer { $0[Self.index(nanoseconds)] &+= 1 }
        total &+= 1
        sum += Double(nanoseconds)
        if nanoseconds > maximum { maximum = nanoseconds }
        if nanoseconds < minimum { minimum = nanoseconds }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
        total &+= other.total
        sum += other.sum
        maximum = max(maximum, other.maximum)
        minimum = min(minimum, other.minimum)
    }

    /// The value at quantile `q` (0...1), nearest rank, as the bucket's upper bound (never
    /// above the recorded maximum); 0 when empty.
    func value(atQuantile q: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((q * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return min(Self.upperBound(i), maximum) }
        }
        return maximum
    }

    var mean: Double { total > 0 ? sum / Double(total) : 0 }
}

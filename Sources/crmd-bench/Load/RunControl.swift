import Synchronization

/// What the coordinating thread tells the connection threads, and the counters they share.
final class RunControl: Sendable {
    /// Set once: connections stop sending and drain what is in flight.
    let stopSending = Atomic<Bool>(false)
    /// Replies received inside [windowStart, windowEnd] count; `UInt64.max` until set.
    let windowStart = Atomic<UInt64>(.max)
    let windowEnd = Atomic<UInt64>(.max)
    /// With a limit, the connections share one sequence of request numbers `0..<limit`
    /// (seeding); without, each numbers its own requests from its offset.
    let limit: UInt64?
    let nextTicket = Atomic<UInt64>(0)
    /// Replies so far, all connections (for progress reports).
    let replies = Atomic<UInt64>(0)
    let errorReplies = Atomic<UInt64>(0)

    init(limit: UInt64? = nil) {
        self.limit = limit
    }

    /// The next shared request number, or nil when the limit is reached.
    @inline(__always)
    func claimTicket(limit: UInt64) -> UInt64? {
        let ticket = nextTicket.wrappingAdd(1, ordering: .relaxed).oldValue
        return ticket < limit ? ticket : nil
    }
}

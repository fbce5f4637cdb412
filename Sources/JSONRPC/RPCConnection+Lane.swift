import Synchronization

/// A socket connection's turns in the server's `BulkLane`, kept by the connection's own thread.
extension RPCConnection {
    struct Pace {
        /// Processor time used in calls that did not wait, since the thread last waited for input.
        var busy = Duration.zero
        /// `BulkLane.threadUsage()` at the previous call; nil after waiting for input.
        var last: (cpu: Duration, waits: Int)?
        /// When the thread took its slot in the lane; nil while it holds none.
        var slotTakenAt: ContinuousClock.Instant?
    }

    /// Called by the connection's thread before each call: a connection that has used more than
    /// `BulkLane.bulkAfter` of processor time in calls that did not wait, since it last waited
    /// for input, takes a slot in the lane (waiting for it), and passes it on after
    /// `BulkLane.quantum`.
    func beforeCall() {
        guard let lane else { return }
        let usage = BulkLane.threadUsage()
        let now = ContinuousClock.now
        let (leave, enter) = pace.withLock { pace -> (Bool, Bool) in
            if let last = pace.last, last.waits == usage.waits { pace.busy += usage.cpu - last.cpu }
            pace.last = usage
            if let taken = pace.slotTakenAt { return now - taken >= BulkLane.quantum ? (true, true) : (false, false) }
            return (false, pace.busy >= BulkLane.bulkAfter)
        }
        guard enter else { return }
        if leave { lane.leave() }
        lane.enter()
        pace.withLock { $0.slotTakenAt = .now }
    }

    /// Gives the lane's slot up, if held: before anything that may block, and at the end.
    /// The connection's own thread only.
    func leaveLane() {
        guard let lane else { return }
        let held = pace.withLock { pace in
            defer { pace.slotTakenAt = nil }
            return pace.slotTakenAt != nil
        }
        if held { lane.leave() }
    }

    /// After waiting for input: the connection caught up with its client, so it starts afresh.
    func waitedForInput() {
        guard lane != nil else { return }
        pace.withLock { pace in
            pace.busy = .zero
            pace.last = nil
        }
    }
}

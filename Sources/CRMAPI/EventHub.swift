import CRM
import Foundation
import JSONKit
import JSONRPC
import Storage
import Synchronization

/// Subscriptions to the event log (`event.subscribe`): each subscribing connection gets its
/// backlog from the log, then every event as its write commits, as `event` notifications, with
/// no gap and no duplicate between the two.
///
/// The writer hands a commit's events over (`databaseDidCommit`, on the writer's thread) by
/// appending them to each subscription's queue and waking its own sender thread, which does
/// the socket writes; so a subscriber that does not read slows nobody. A queue past its limit
/// drops what it holds: the subscriber gets `event.overflow {lastSeq}` (the last event written
/// to it) and is unsubscribed, and may subscribe again with `after: lastSeq`.
final class EventHub: CommitObserver, @unchecked Sendable {
    /// Events a subscription may hold unsent before it overflows.
    static let queueLimit = 10_000
    /// Events read from the log per backlog page.
    static let backlogPage = 1_000

    private let crm: CRM
    private let subscriptions = Mutex<[Int: Subscription]>([:])

    init(crm: CRM) {
        self.crm = crm
    }

    /// Subscribes `session`'s connection to `topics` (replacing a subscription it had), from
    /// after `after` (nil: from now on). Returns the last `seq` of the log at this moment.
    func subscribe(connection: RPCConnection, session: Session, topics: [String], after: Int64?) throws -> Int64 {
        try EventTopic.validate(topics)
        let last = try crm.pool.read { db in
            if let after { try EventService.check(db, after: after) }
            return try EventService.lastSeq(db)
        }
        // Registered before its backlog is read: what commits meanwhile is both queued and
        // perhaps read, and the cursor drops the second copy. Even "from now on" reads the log
        // after `last` once, for what committed before the registration.
        let subscription = Subscription(hub: self, connection: connection, session: session, topics: topics, cursor: after ?? last)
        let replaced = subscriptions.withLock { all in
            defer { all[connection.id] = subscription }
            return all[connection.id]
        }
        replaced?.stop()
        subscription.start()
        return last
    }

    /// Ends the connection's subscription; false when it had none.
    @discardableResult
    func unsubscribe(connectionID: Int) -> Bool {
        guard let subscription = subscriptions.withLock({ $0.removeValue(forKey: connectionID) }) else { return false }
        subscription.stop()
        return true
    }

    /// Forgets a subscription that ended by itself (overflow, closed connection).
    fileprivate func remove(_ subscription: Subscription) {
        subscriptions.withLock { all in
            if all[subscription.connection.id] === subscription { all.removeValue(forKey: subscription.connection.id) }
        }
    }

    fileprivate func backlog(after cursor: Int64, topics: [String], access: Access) throws -> (events: [Event], last: Int64) {
        var query = EventService.Query.from(cursor, limit: Self.backlogPage)
        query.topics = topics
        return try crm.pool.read { db in try EventService.page(db, query, access: access) }
    }

    func databaseDidCommit(_ writes: [ObservedWrite]) {
        var events: [Event] = []
        for write in writes {
            for note in write.notes { if let event = note as? Event { events.append(event) } }
        }
        guard !events.isEmpty else { return }
        for subscription in subscriptions.withLock({ Array($0.values) }) { subscription.offer(events) }
    }

    func databaseDidRollback(_ writes: [ObservedWrite]) {}
}

extension EventService.Query {
    static func from(_ after: Int64, limit: Int) -> EventService.Query {
        var query = EventService.Query()
        query.after = after
        query.limit = limit
        return query
    }
}

/// One connection's subscription: its queue, and the thread that writes to its socket.
private final class Subscription: @unchecked Sendable {
    unowned let hub: EventHub
    let connection: RPCConnection
    let session: Session
    let topics: [String]

    private struct State {
        /// Events committed and not yet written, in `seq` order.
        var queue: [Event] = []
        /// The last `seq` written (or known to be before everything still to come).
        var cursor: Int64
        var overflowed = false
        var stopped = false
    }

    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)

    init(hub: EventHub, connection: RPCConnection, session: Session, topics: [String], cursor: Int64) {
        self.hub = hub
        self.connection = connection
        self.session = session
        self.topics = topics
        state = Mutex(State(cursor: cursor))
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "crmd events \(connection.id)"
        thread.start()
    }

    func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    /// Takes a commit's events (writer thread: only appends and signals).
    func offer(_ events: [Event]) {
        let signal = state.withLock { state -> Bool in
            guard !state.stopped, !state.overflowed else { return false }
            for event in events where EventTopic.matches(event.topic, topics) { state.queue.append(event) }
            if state.queue.count > EventHub.queueLimit {
                state.overflowed = true
                state.queue = []
            }
            return true
        }
        if signal { wake.signal() }
    }

    private func run() {
        defer { hub.remove(self) }
        if !writeBacklog() { return }
        while true {
            let (events, overflowed, stopped, cursor) = state.withLock { state in
                defer { state.queue = [] }
                return (state.queue, state.overflowed, state.stopped, state.cursor)
            }
            if stopped { return }
            if overflowed {
                connection.notify(method: "event.overflow", encodedParams: Array("{\"lastSeq\":\(cursor)}".utf8))
                return
            }
            if !write(events) { return }
            if events.isEmpty {
                // Wake now and then to notice a connection that went away.
                _ = wake.wait(timeout: .now() + 1)
                if !connection.isOpen { return }
            }
        }
    }

    /// Writes the log after the cursor page by page, until it has caught up with what the
    /// queue holds; false when the subscription ended meanwhile.
    private func writeBacklog() -> Bool {
        while true {
            let cursor = state.withLock { $0.cursor }
            let page: (events: [Event], last: Int64)
            do {
                page = try hub.backlog(after: cursor, topics: topics, access: session.identity.access)
            } catch {
                connection.notify(method: "event.overflow", encodedParams: Array("{\"lastSeq\":\(cursor)}".utf8))
                return false
            }
            if !write(page.events) { return false }
            state.withLock { $0.cursor = max($0.cursor, page.last) }
            if page.events.count < EventHub.backlogPage { return true }
        }
    }

    /// Writes the events after the cursor that the session may see, up to 256 to a write;
    /// false when the subscription ended or the connection is gone.
    private func write(_ events: [Event]) -> Bool {
        let access = session.identity.access
        var start = 0
        while start < events.count {
            let chunk = events[start..<min(start + 256, events.count)]
            start = chunk.endIndex
            // The cursor moves past the chunk only while the subscription stands.
            guard let fresh = state.withLock({ state -> [Event]? in
                if state.stopped { return nil }
                let fresh = chunk.filter { $0.seq > state.cursor }
                if let last = fresh.last { state.cursor = last.seq }
                return fresh
            }) else { return false }
            let visible = fresh.filter { $0.visible(to: access) }.map(\.json)
            if !visible.isEmpty, !connection.notify(method: "event", encodedParams: visible) { return false }
        }
        return connection.isOpen
    }
}

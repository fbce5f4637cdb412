import CRM
import Foundation
import JSONKit
import JSONRPC
import Storage
import Synchronization

/// Live delivery of notifications to people: the open connections by the user their session
/// acts as, and, when a write commits with `NotificationNote`s, a `notification` server
/// notification (params: the notification, as `notification.list` shows it) to each open
/// connection of its user.
///
/// A connection is registered when it is admitted and again when `session.login` switches its
/// user, and forgotten when it closes. The writer only appends to each connection's queue
/// (`databaseDidCommit`, on the writer's thread); a sender thread, started when a queue gets
/// something and ending when it is empty, does the socket writes, so a client that does not
/// read slows nobody. A queue holds at most `queueLimit` notifications: those beyond are
/// dropped for that connection (they stay in `notification.list`; nothing else is lost), so a
/// connection that never reads never grows the server's memory past that.
final class NotificationHub: CommitObserver, @unchecked Sendable {
    /// Notifications a connection may hold unsent; further ones are dropped for it.
    static let queueLimit = 1_000

    private struct Registry {
        /// The outboxes of each user's open connections, by connection id.
        var byUser: [Int64: [Int: Outbox]] = [:]
        /// The user each registered connection acts as.
        var userOf: [Int: Int64] = [:]
    }

    private let registry = Mutex(Registry())

    /// Files `connection` under `userID`, moving it from the user it acted as before.
    func register(_ connection: RPCConnection, userID: Int64) {
        registry.withLock { registry in
            let outbox: Outbox
            if let previous = registry.userOf[connection.id] {
                outbox = registry.byUser[previous]?.removeValue(forKey: connection.id) ?? Outbox(connection: connection)
                if registry.byUser[previous]?.isEmpty == true { registry.byUser.removeValue(forKey: previous) }
            } else {
                outbox = Outbox(connection: connection)
            }
            registry.userOf[connection.id] = userID
            registry.byUser[userID, default: [:]][connection.id] = outbox
        }
    }

    /// Forgets a closed connection.
    func remove(connectionID: Int) {
        registry.withLock { registry in
            guard let userID = registry.userOf.removeValue(forKey: connectionID) else { return }
            registry.byUser[userID]?.removeValue(forKey: connectionID)
            if registry.byUser[userID]?.isEmpty == true { registry.byUser.removeValue(forKey: userID) }
        }
    }

    func databaseDidCommit(_ writes: [ObservedWrite]) {
        var byUser: [Int64: [[UInt8]]] = [:]
        for write in writes {
            for note in write.notes {
                if let notification = note as? NotificationNote {
                    byUser[notification.userID, default: []].append(notification.json.serialized())
                }
            }
        }
        guard !byUser.isEmpty else { return }
        let targets = registry.withLock { registry in
            byUser.flatMap { userID, bodies in (registry.byUser[userID]?.values).map { $0.map { ($0, bodies) } } ?? [] }
        }
        for (outbox, bodies) in targets { outbox.offer(bodies) }
    }

    func databaseDidRollback(_ writes: [ObservedWrite]) {}
}

/// One connection's notifications not yet written, and the sender that writes them.
private final class Outbox: @unchecked Sendable {
    let connection: RPCConnection

    private struct State {
        var queue: [[UInt8]] = []
        /// True while a sender thread is running.
        var sending = false
    }

    private let state = Mutex(State())

    init(connection: RPCConnection) {
        self.connection = connection
    }

    /// Takes a commit's notifications for this connection (writer thread: appends, and starts
    /// a sender if none runs). What does not fit under the limit is dropped.
    func offer(_ bodies: [[UInt8]]) {
        guard connection.isOpen else { return }
        let start = state.withLock { state -> Bool in
            let room = max(0, NotificationHub.queueLimit - state.queue.count)
            state.queue += bodies.prefix(room)
            guard !state.sending, !state.queue.isEmpty else { return false }
            state.sending = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in send() }
        thread.name = "crmd notifications \(connection.id)"
        thread.start()
    }

    private func send() {
        while true {
            let bodies = state.withLock { state -> [[UInt8]] in
                defer { state.queue = [] }
                if state.queue.isEmpty { state.sending = false }
                return state.queue
            }
            if bodies.isEmpty { return }
            if !connection.notify(method: "notification", encodedParams: bodies) {
                // Closed or broken: what is left will never be read.
                state.withLock { $0.queue = [] }
            }
        }
    }
}

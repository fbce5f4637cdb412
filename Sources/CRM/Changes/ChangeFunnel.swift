import Storage
import Synchronization

/// Something that reacts to every change inside the transaction that makes it: derived data
/// (indexes, keys, the timeline), robots, and later the event log and access checks. A listener
/// that throws undoes the whole write, so it sees only changes that are being made.
package protocol ChangeListener: Sendable {
    func apply(_ change: Change, in db: Database, crm: CRM) throws
}

/// Something told about changes once they are durable (or that they were rolled back), in
/// commit order: subscriptions and outboxes wake on it. Called on the committing thread while
/// the writer is held, so it must only hand the changes off.
package protocol ChangeObserver: Sendable {
    func changesCommitted(_ changes: [Change])
    func changesRolledBack(_ changes: [Change])
}

extension ChangeObserver {
    package func changesRolledBack(_ changes: [Change]) {}
}

/// The one path every change of the engine takes: services describe what they changed as a
/// `Change` and hand it to `CRM.apply(_:in:)`; the funnel passes it to each listener in order,
/// then keeps it for the commit observers.
package final class ChangeFunnel: Sendable {
    private let listeners: Mutex<[any ChangeListener]>

    init(_ builtIn: [any ChangeListener]) {
        listeners = Mutex(builtIn)
    }

    /// Adds a listener after the built-in ones (index, timeline, robots).
    package func add(_ listener: any ChangeListener) {
        listeners.withLock { $0.append(listener) }
    }

    var current: [any ChangeListener] { listeners.withLock { $0 } }

    /// The listeners every engine starts with, in the order they run: the access check, the
    /// definition cache, indexes and keys (robots' templates read them), the timeline, the event
    /// log, the built-in notification rules, then the robots, whose own changes come back
    /// through the funnel (so their events follow the change that woke them).
    static var builtIn: [any ChangeListener] {
        [AccessListener(), DefinitionListener(), IndexListener(), ActivityListener(), TimelineListener(), EventListener(), NotificationListener(),
         ReminderListener(), AutomationListener()]
    }
}

extension CRM {
    /// Makes `change` known: every listener sees it inside this write's transaction, and the
    /// commit observers once the transaction is durable.
    package func apply(_ change: Change, in db: Database) throws {
        for listener in changes.current {
            try listener.apply(change, in: db, crm: self)
        }
        db.attachCommitNote(change)
    }

    /// Tells `observer` about changes once they are durable, or that they were rolled back.
    package func observeCommits(_ observer: any ChangeObserver) {
        pool.addCommitObserver(ChangeCommitRelay(observer: observer))
    }
}

/// Hands the changes among a commit's notes to a `ChangeObserver`.
private final class ChangeCommitRelay: CommitObserver {
    let observer: any ChangeObserver

    init(observer: any ChangeObserver) {
        self.observer = observer
    }

    func databaseDidCommit(_ writes: [ObservedWrite]) {
        let changes = writes.flatMap { $0.notes.compactMap { $0 as? Change } }
        if !changes.isEmpty { observer.changesCommitted(changes) }
    }

    func databaseDidRollback(_ writes: [ObservedWrite]) {
        let changes = writes.flatMap { $0.notes.compactMap { $0 as? Change } }
        if !changes.isEmpty { observer.changesRolledBack(changes) }
    }
}

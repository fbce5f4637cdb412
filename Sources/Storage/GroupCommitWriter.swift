import Dispatch
import Foundation

/// The pool's single writer connection and its group-commit protocol.
///
/// The connection is used only by the holder of the *turn*, a FIFO hand-off lock. A write takes
/// the turn, opens the shared transaction if none is open (`BEGIN IMMEDIATE`), runs its body
/// inside `SAVEPOINT`, joins the open `CommitGroup` and passes the turn on. It then waits until
/// its group is finished; if no one is committing it becomes the leader: it queues for the turn
/// behind the writes already waiting (they join the same group) and runs one `COMMIT` for all.
/// A write returns only after its group committed; if the `COMMIT` fails, every member gets the
/// error. Statements the writes deferred (`Database.executeBeforeCommit`) run just before the
/// `COMMIT`, outside every savepoint; one that fails fails the group as the `COMMIT` would. A body that throws rolls back to its savepoint and never waits.
///
/// Commit observers are told by the turn holder: the leader once its `COMMIT` returned (or
/// failed), before it finishes the group and so before any member returns; a failing write right
/// after its savepoint was rolled back. The turn serializes the callbacks, and a group's come
/// before the next group's, since the next group's `COMMIT` needs the turn again. Nothing is
/// collected for a transaction that began with no observers.
///
/// The fields marked "turn" are touched only by the turn holder, the others only under
/// `condition`, and the turn passes from thread to thread through `condition` and a semaphore.
/// Those rules are what make `@unchecked Sendable` sound. Observers are never called under
/// `condition` (they may read from the pool, or ask for `commitCount`).
final class GroupCommitWriter: @unchecked Sendable {
    private struct Waiter {
        let wakeUp: DispatchSemaphore
        let thread: pthread_t
    }

    private static let savepoint = "crmd_write"

    // Condition.
    private let condition = NSCondition()
    private var turnHeld = false
    private var turnOwner: pthread_t?
    private var turnQueue: [Waiter] = []
    private var leaderActive = false
    private var openGroup = CommitGroup()
    private var callsInFlight = 0
    private var isClosed = false
    private var commits = 0

    // Turn.
    private let connection: Database
    /// Writes that joined `openGroup`. Between turns the shared transaction is open exactly when
    /// this is positive; a transaction left open with no members is stale and rolled back.
    private var openGroupMembers = 0
    /// Every observer added, in order. Changed only by `addObserver`, which takes the turn.
    private var observers: [any CommitObserver] = []
    /// `observers` as they were when the shared transaction began: the ones told about it, so an
    /// observer added meanwhile sees whole transactions only. Empty: nothing is collected.
    private var groupObservers: [any CommitObserver] = []
    /// The writes of `openGroup` in the order they ran, one per member, while `groupObservers`
    /// is not empty; else empty.
    private var groupWrites: [ObservedWrite] = []
    /// What the writes of `openGroup` deferred to its commit (`Database.executeBeforeCommit`),
    /// in the order they ran.
    private var groupDeferred: [DeferredStatement] = []

    init(connection: Database) {
        self.connection = connection
    }

    var commitCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return commits
    }

    var queuedWriterCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return turnQueue.count
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try enter()
        defer { leave() }
        acquireTurn()
        let value: T
        do {
            value = try runBody(body)
        } catch {
            condition.lock()
            releaseTurnLocked()
            condition.unlock()
            throw error
        }
        try awaitCommit()
        return value
    }

    /// Adds `observer` for the transactions that begin from now on; once closed, drops it.
    ///
    /// Takes the turn (after the writes queued ahead), so it must not be called by the turn
    /// holder: inside a write body or an observer callback it is a precondition failure.
    func addObserver(_ observer: any CommitObserver) {
        condition.lock()
        if turnHeld, let owner = turnOwner, pthread_equal(owner, pthread_self()) != 0 {
            condition.unlock()
            preconditionFailure("addCommitObserver called inside a write body or a commit observer")
        }
        guard !isClosed else {
            condition.unlock()
            return
        }
        callsInFlight += 1
        condition.unlock()
        defer { leave() }
        acquireTurn()
        observers.append(observer)
        condition.lock()
        releaseTurnLocked()
        condition.unlock()
    }

    /// Refuses new writes, waits for the writes in flight (and so their commits), then closes.
    func close() {
        condition.lock()
        isClosed = true
        while callsInFlight > 0 {
            condition.wait()
        }
        condition.unlock()
        // With no call in flight and none admitted, no one can take the turn again: its fields
        // are ours. The observers are released here, outside `condition`.
        observers = []
        groupObservers = []
        connection.close()
    }

    // MARK: Body (turn held)

    private func runBody<T>(_ body: (Database) throws -> T) throws -> T {
        let database = connection
        do {
            if openGroupMembers > 0 && database.isAutocommit {
                finishOpenGroup(failure: .groupRolledBack)
            }
            if openGroupMembers == 0 {
                if !database.isAutocommit {
                    try database.execute("ROLLBACK")
                }
                groupObservers = observers
                try database.execute("BEGIN IMMEDIATE")
            }
            try database.execute("SAVEPOINT \(Self.savepoint)")
        } catch {
            recoverAfterFailure()
            throw error
        }
        let isObserved = !groupObservers.isEmpty
        let changesBefore = isObserved ? database.totalChanges : 0
        database.beginCommitNotes(observed: isObserved)
        do {
            let value = try body(database)
            try database.execute("RELEASE \(Self.savepoint)")
            if database.isAutocommit {
                throw SQLiteError.misuse("a write body ended the shared transaction itself")
            }
            if let write = endObservedWrite(isObserved: isObserved, changesBefore: changesBefore) {
                groupWrites.append(write)
            }
            groupDeferred.append(contentsOf: database.takeDeferredStatements())
            openGroupMembers += 1
            return value
        } catch {
            let failedWrite = endObservedWrite(isObserved: isObserved, changesBefore: changesBefore)
            _ = database.takeDeferredStatements()
            recoverAfterFailure()
            // After the group's own report, if recovery had to give the whole group up.
            if let failedWrite {
                notify(rolledBack: [failedWrite])
            }
            throw error
        }
    }

    /// Ends the body's note collection; what the body did, when the transaction is observed.
    private func endObservedWrite(isObserved: Bool, changesBefore: Int) -> ObservedWrite? {
        let notes = connection.endCommitNotes()
        guard isObserved else { return nil }
        return ObservedWrite(notes: notes, rowsChanged: connection.totalChanges - changesBefore,
                             deferredStatements: connection.deferredStatements.count)
    }

    /// Undoes exactly the failed write; if SQLite already rolled back the whole transaction, the
    /// open group is finished with an error instead.
    private func recoverAfterFailure() {
        let database = connection
        if database.isAutocommit {
            if openGroupMembers > 0 {
                finishOpenGroup(failure: .groupRolledBack)
            }
            return
        }
        if openGroupMembers == 0 {
            try? database.execute("ROLLBACK")
            return
        }
        do {
            try database.execute("ROLLBACK TO \(Self.savepoint)")
            try database.execute("RELEASE \(Self.savepoint)")
        } catch {
            try? database.execute("ROLLBACK")
            finishOpenGroup(failure: error)
        }
    }

    /// Gives the open group up: its writes are reported rolled back, then its members woken.
    private func finishOpenGroup(failure: SQLiteError) {
        groupDeferred = []
        notify(rolledBack: takeGroupWrites())
        condition.lock()
        openGroup.finish(failure: failure)
        openGroup = CommitGroup()
        condition.broadcast()
        condition.unlock()
        openGroupMembers = 0
    }

    // MARK: Commit

    /// Joins the open group, passes the turn on, then waits for the group to finish, leading a
    /// commit when no one is.
    private func awaitCommit() throws(SQLiteError) {
        condition.lock()
        let group = openGroup
        releaseTurnLocked()
        while !group.isFinished {
            if leaderActive {
                condition.wait()
                continue
            }
            leaderActive = true
            condition.unlock()
            commitOpenGroup()
            condition.lock()
        }
        let failure = group.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// The leader's work: once the writes queued ahead have joined, commit the open group.
    private func commitOpenGroup() {
        acquireTurn()
        let database = connection
        var failure: SQLiteError?
        let hasMembers = openGroupMembers > 0
        if hasMembers {
            let deferred = groupDeferred
            groupDeferred = []
            do {
                try database.runDeferred(deferred)
                try database.execute("COMMIT")
            } catch {
                failure = error
                if !database.isAutocommit { try? database.execute("ROLLBACK") }
            }
            openGroupMembers = 0
            // Still holding the turn, before the members are woken.
            if failure == nil {
                notify(committed: takeGroupWrites())
            } else {
                notify(rolledBack: takeGroupWrites())
            }
        }
        condition.lock()
        if hasMembers {
            commits += 1
            openGroup.finish(failure: failure)
            openGroup = CommitGroup()
        }
        leaderActive = false
        condition.broadcast()
        releaseTurnLocked()
        condition.unlock()
    }

    // MARK: Observers (turn held)

    private func takeGroupWrites() -> [ObservedWrite] {
        guard !groupWrites.isEmpty else { return [] }
        let writes = groupWrites
        groupWrites = []
        return writes
    }

    private func notify(committed writes: [ObservedWrite]) {
        guard !writes.isEmpty else { return }
        for observer in groupObservers {
            observer.databaseDidCommit(writes)
        }
    }

    private func notify(rolledBack writes: [ObservedWrite]) {
        guard !writes.isEmpty else { return }
        for observer in groupObservers {
            observer.databaseDidRollback(writes)
        }
    }

    // MARK: Turn and lifecycle

    private func acquireTurn() {
        condition.lock()
        let thread = pthread_self()
        guard turnHeld else {
            turnHeld = true
            turnOwner = thread
            condition.unlock()
            return
        }
        let wakeUp = DispatchSemaphore(value: 0)
        turnQueue.append(Waiter(wakeUp: wakeUp, thread: thread))
        condition.unlock()
        wakeUp.wait()
    }

    /// Hands the turn to the longest-waiting thread, or frees it.
    private func releaseTurnLocked() {
        guard !turnQueue.isEmpty else {
            turnHeld = false
            turnOwner = nil
            return
        }
        let next = turnQueue.removeFirst()
        turnOwner = next.thread
        next.wakeUp.signal()
    }

    private func enter() throws(SQLiteError) {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { throw .poolClosed }
        if turnHeld, let owner = turnOwner, pthread_equal(owner, pthread_self()) != 0 {
            throw .nestedWrite
        }
        callsInFlight += 1
    }

    private func leave() {
        condition.lock()
        callsInFlight -= 1
        if callsInFlight == 0 && isClosed {
            condition.broadcast()
        }
        condition.unlock()
    }
}

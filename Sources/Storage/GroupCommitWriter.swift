import Dispatch
import Foundation

/// The pool's single writer connection and its group-commit protocol.
///
/// One thread, the writer, owns the connection. A write hands its body to the writer's queue
/// and sleeps until its group committed. The writer drains the queue: it opens the shared
/// transaction if none is open (`BEGIN IMMEDIATE`) for the group's first body, runs each later
/// body inside `SAVEPOINT`, and when nothing more is queued (or the group is full) runs the
/// statements the writes deferred (`Database.executeBeforeCommit`) and one `COMMIT` for the
/// whole group, then wakes its members. A write returns only after its group committed; if the
/// `COMMIT` (or a deferred statement) fails, every member gets the error. A body that throws is
/// rolled back to its savepoint (the first, with the whole transaction, which holds only it)
/// and its caller woken at once. Bodies run one after another on one thread, with no
/// hand-off between them, while the callers' threads parse and answer on the other cores.
///
/// Commit observers are called on the writer: once a group's `COMMIT` returned (or failed),
/// before its members are woken; a failing write right after its savepoint was rolled back.
/// A group's callbacks come before the next group's. Nothing is collected for a transaction
/// that began with no observers.
///
/// The fields marked "writer" are touched only on the writer thread (and by `close` once it
/// stopped), the others only under `condition`. A caller's body, a non-escaping closure, runs
/// while the caller waits, and the writer lets go of it before waking the caller. Those rules
/// are what make `@unchecked Sendable` sound. Observers are never called under `condition`.
final class GroupCommitWriter: @unchecked Sendable {
    /// A write or an observer to add, and, once done, the error it ended with.
    private final class Job: @unchecked Sendable {
        /// The write's body; taken by the writer when it calls it.
        var body: ((Database) throws -> Void)?
        let observer: (any CommitObserver)?
        var error: (any Error)?
        let done = DispatchSemaphore(value: 0)

        init(body: ((Database) throws -> Void)? = nil, observer: (any CommitObserver)? = nil) {
            self.body = body
            self.observer = observer
        }
    }

    private static let savepoint = "crmd_write"
    /// Writes per group at most: past it the group commits even with writes queued.
    private static let groupLimit = 256

    // Condition.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var callsInFlight = 0
    private var isClosed = false
    private var stopRequested = false
    private var commits = 0
    private var writerThread: pthread_t?

    // Writer.
    private let connection: Database
    /// Writes of the open group, waiting for its commit. The shared transaction is open exactly
    /// when this is not empty; a transaction left open with no members is stale and rolled back.
    private var members: [Job] = []
    /// Every observer added, in order.
    private var observers: [any CommitObserver] = []
    /// `observers` as they were when the shared transaction began: the ones told about it, so an
    /// observer added meanwhile sees whole transactions only. Empty: nothing is collected.
    private var groupObservers: [any CommitObserver] = []
    /// The writes of the open group in the order they ran, one per member, while
    /// `groupObservers` is not empty; else empty.
    private var groupWrites: [ObservedWrite] = []
    /// What the writes of the open group deferred to its commit, in the order they ran.
    private var groupDeferred: [DeferredStatement] = []

    private let stopped = DispatchSemaphore(value: 0)

    init(connection: Database) {
        self.connection = connection
        let thread = Thread { [self] in
            self.condition.lock()
            self.writerThread = pthread_self()
            self.condition.unlock()
            self.drain()
            self.stopped.signal()
        }
        thread.name = "crmd writer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    var commitCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return commits
    }

    /// Writes handed to the writer and not yet begun.
    var queuedWriterCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try enter()
        defer { leave() }
        var value: T?
        try withoutActuallyEscaping(body) { body in
            let job = Job(body: { database in value = try body(database) })
            try run(job)
        }
        guard let value else { preconditionFailure("a write finished without a value or an error") }
        return value
    }

    /// Adds `observer` for the transactions that begin from now on; once closed, drops it.
    ///
    /// Waits for the writes queued ahead, so it must not be called on the writer: inside a
    /// write body or an observer callback it is a precondition failure.
    func addObserver(_ observer: any CommitObserver) {
        condition.lock()
        if isWriterThread {
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
        try? run(Job(observer: observer))
    }

    /// Refuses new writes, waits for the writes in flight (and so their commits), stops the
    /// writer, then closes the connection.
    func close() {
        condition.lock()
        let wasClosed = isClosed
        isClosed = true
        while callsInFlight > 0 {
            condition.wait()
        }
        stopRequested = true
        condition.broadcast()
        condition.unlock()
        guard !wasClosed else { return }
        stopped.wait()
        // The writer has stopped: its fields are ours. The observers are released here,
        // outside `condition`.
        observers = []
        groupObservers = []
        connection.close()
    }

    /// Queues `job` and waits until the writer is done with it; rethrows its error.
    private func run(_ job: Job) throws {
        condition.lock()
        queue.append(job)
        if queue.count == 1 { condition.broadcast() }
        condition.unlock()
        job.done.wait()
        if let error = job.error { throw error }
    }

    // MARK: Writer

    /// The writer's loop: runs what is queued, commits when the queue is empty or the group
    /// full, sleeps when there is nothing to do, and ends once asked to with nothing left.
    private func drain() {
        var batch: [Job] = []
        while true {
            condition.lock()
            while queue.isEmpty && members.isEmpty && !stopRequested {
                condition.wait()
            }
            if queue.isEmpty && members.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &queue)
            condition.unlock()
            for job in batch {
                perform(job)
            }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            let moreQueued = !queue.isEmpty
            condition.unlock()
            if !moreQueued || members.count >= Self.groupLimit {
                commitGroup()
            }
        }
    }

    private func perform(_ job: Job) {
        if let observer = job.observer {
            observers.append(observer)
            finish(job, error: nil)
        } else if let error = runBody(of: job) {
            finish(job, error: error)
        } else {
            members.append(job)
        }
    }

    /// Runs the job's body in the shared transaction (in a savepoint of its own unless it opened
    /// the transaction); the error it failed with, after undoing exactly it, or nil once it
    /// joined the open group.
    private func runBody(of job: Job) -> (any Error)? {
        let database = connection
        do {
            if !members.isEmpty && database.isAutocommit {
                finishOpenGroup(failure: .groupRolledBack)
            }
            if members.isEmpty {
                if !database.isAutocommit {
                    try database.execute("ROLLBACK")
                }
                groupObservers = observers
                try database.execute("BEGIN IMMEDIATE")
            } else {
                // The group's first write needs no savepoint: should it fail, the transaction
                // holds nothing else and is rolled back whole. A savepoint makes SQLite copy every
                // page the write changes into its sub-journal first, a temporary file as large as
                // the write (a bank statement's thousands of payments: tens of megabytes).
                try database.execute("SAVEPOINT \(Self.savepoint)")
            }
        } catch {
            recoverAfterFailure()
            return error
        }
        let isObserved = !groupObservers.isEmpty
        let changesBefore = isObserved ? database.totalChanges : 0
        database.beginCommitNotes(observed: isObserved)
        let inSavepoint = !members.isEmpty
        do {
            try callBody(of: job)
            if inSavepoint {
                try database.execute("RELEASE \(Self.savepoint)")
            }
            if database.isAutocommit {
                throw SQLiteError.misuse("a write body ended the shared transaction itself")
            }
            if let write = endObservedWrite(isObserved: isObserved, changesBefore: changesBefore) {
                groupWrites.append(write)
            }
            groupDeferred.append(contentsOf: database.takeDeferredStatements())
            return nil
        } catch {
            let failedWrite = endObservedWrite(isObserved: isObserved, changesBefore: changesBefore)
            _ = database.takeDeferredStatements()
            recoverAfterFailure()
            // After the group's own report, if recovery had to give the whole group up.
            if let failedWrite {
                notify(rolledBack: [failedWrite])
            }
            return error
        }
    }

    /// Calls the body and lets go of it: the caller's closure must not outlive its call.
    private func callBody(of job: Job) throws {
        guard let body = job.body else { return }
        job.body = nil
        try body(connection)
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
            if !members.isEmpty {
                finishOpenGroup(failure: .groupRolledBack)
            }
            return
        }
        if members.isEmpty {
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
        finishMembers(failure: failure)
    }

    /// Runs the group's deferred statements and its `COMMIT`, tells the observers, then wakes
    /// the members with the outcome.
    private func commitGroup() {
        guard !members.isEmpty else { return }
        let database = connection
        var failure: SQLiteError?
        let deferred = groupDeferred
        groupDeferred = []
        do {
            try database.runDeferred(deferred)
            try database.execute("COMMIT")
        } catch {
            failure = error
            if !database.isAutocommit { try? database.execute("ROLLBACK") }
        }
        if failure == nil {
            notify(committed: takeGroupWrites())
        } else {
            notify(rolledBack: takeGroupWrites())
        }
        finishMembers(failure: failure)
    }

    private func finishMembers(failure: SQLiteError?) {
        let finished = members
        members = []
        condition.lock()
        commits += failure == nil ? 1 : 0
        condition.unlock()
        for job in finished {
            finish(job, error: failure)
        }
    }

    private func finish(_ job: Job, error: (any Error)?) {
        job.body = nil
        job.error = error
        job.done.signal()
    }

    // MARK: Observers (writer)

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

    // MARK: Lifecycle

    /// Whether the calling thread is the writer (under `condition`).
    private var isWriterThread: Bool {
        guard let writerThread else { return false }
        return pthread_equal(writerThread, pthread_self()) != 0
    }

    private func enter() throws(SQLiteError) {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { throw .poolClosed }
        if isWriterThread {
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

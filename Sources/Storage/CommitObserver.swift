/// A write as the observers see it: what its body attached, and whether it changed rows.
public struct ObservedWrite: Sendable {
    /// Values the body attached with `Database.attachCommitNote`, in order.
    public let notes: [any Sendable]
    /// Rows inserted, updated or deleted by the body (sqlite3_total_changes64 delta), triggers included.
    public let rowsChanged: Int
    /// Statements the body left for the group's commit (`Database.executeBeforeCommit`); their
    /// rows are not in `rowsChanged`.
    public let deferredStatements: Int
}

/// Told about writes once their fate is settled, in the spirit of GRDB's `TransactionObserver`:
/// a write is reported once, either committed or rolled back.
///
/// Every successful write of a committed group is reported, also one that changed no rows and
/// attached no notes (`rowsChanged` 0, no notes), so observers can count writes. A write that
/// failed before its body ran (the pool closed, `BEGIN` failed) is not reported.
///
/// The callbacks run one at a time, never concurrently, each happening-before the next, on the
/// writer's thread, which owns the writer connection. So they must not call
/// `DatabasePool.write` (it throws `SQLITE_MISUSE`, as inside a write body) nor
/// `addCommitObserver`; `DatabasePool.read` is fine and sees the committed changes.
public protocol CommitObserver: AnyObject, Sendable {
    /// After the transaction holding `writes` is durable (COMMIT returned), one entry per write
    /// in the order the writes ran, which is commit order. Called on the writer's thread before it
    /// runs anything else, before the writes' callers return: be quick (hand off, signal).
    func databaseDidCommit(_ writes: [ObservedWrite])
    /// Writes whose changes were undone: a body that threw (its savepoint rolled back), or every
    /// write of a group whose COMMIT failed or whose transaction SQLite rolled back.
    func databaseDidRollback(_ writes: [ObservedWrite])
}

/// Whether the writer connection is running a write body, and if so whether its notes are kept.
enum CommitNoteMode {
    /// Not inside a `DatabasePool.write` body: attaching a note is a programming error.
    case outsideWrite
    /// Inside a body of a transaction nobody observes: notes are dropped without being stored.
    case discarding
    /// Inside a body of an observed transaction: notes are collected for the observers.
    case collecting
}

extension Database {
    /// Attaches `note` to the write in progress, for the commit observers; valid only inside a
    /// `DatabasePool.write` body, on the `Database` the body was given.
    ///
    /// Elsewhere (a read, a migration, a connection opened directly) it is a programming error
    /// and traps with a precondition failure rather than silently losing the note. Inside a body
    /// of a transaction that no observer watches, the note is dropped.
    public func attachCommitNote(_ note: any Sendable) {
        switch commitNoteMode {
        case .collecting:
            commitNotes.append(note)
        case .discarding:
            break
        case .outsideWrite:
            preconditionFailure("Database.attachCommitNote called outside a DatabasePool.write body")
        }
    }

    /// Starts a write body: notes are collected when `observed`, else dropped.
    func beginCommitNotes(observed: Bool) {
        commitNoteMode = observed ? .collecting : .discarding
    }

    /// Ends the write body and hands over its notes (empty, without allocating, when unobserved).
    func endCommitNotes() -> [any Sendable] {
        commitNoteMode = .outsideWrite
        guard !commitNotes.isEmpty else { return [] }
        let notes = commitNotes
        commitNotes = []
        return notes
    }
}

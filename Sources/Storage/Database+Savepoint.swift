/// A step of a write that may fail on its own without undoing the write around it.
extension Database {
    /// Runs `body` inside `SAVEPOINT name` of the transaction in progress. When `body` throws,
    /// exactly what it did is undone — its rows, and the commit notes and deferred statements it
    /// left for the group's commit — and the error is rethrown; the write around it goes on.
    ///
    /// If SQLite itself gave the whole transaction up meanwhile (a disk full, say), there is
    /// nothing left to roll back to: the error is rethrown and the write around it must fail too.
    public func withSavepoint<T>(_ name: String = "crmd_step", _ body: () throws -> T) throws -> T {
        let notes = commitNotes.count, deferred = deferredStatements.count
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            if !isAutocommit {
                try execute("ROLLBACK TO \(name)")
                try execute("RELEASE \(name)")
            }
            if commitNotes.count > notes { commitNotes.removeLast(commitNotes.count - notes) }
            if deferredStatements.count > deferred { deferredStatements.removeLast(deferredStatements.count - deferred) }
            throw error
        }
    }
}

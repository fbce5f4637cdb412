/// The writes that share one transaction and therefore one `COMMIT` (one fsync).
///
/// Its fields are written once, when the group finishes, and only read afterwards; both happen
/// under the `GroupCommitWriter`'s condition lock, the only place a group is reachable from.
final class CommitGroup {
    private(set) var isFinished = false
    /// Why the group's transaction did not commit; `nil` once committed.
    private(set) var failure: SQLiteError?

    func finish(failure: SQLiteError?) {
        isFinished = true
        self.failure = failure
    }
}

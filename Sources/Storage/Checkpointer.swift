import CSQLite
import Dispatch
import Foundation

/// Copies the WAL back into the database file on a thread and connection of its own, so that a
/// commit waits for its own WAL write and sync only, not for the checkpoint SQLite would
/// otherwise run inside the commit that takes the WAL past 1,000 pages.
///
/// The writer's connection reports each commit's WAL size (`sqlite3_wal_hook`, which turns
/// SQLite's own checkpointing off on it); past `wakeFrames` the checkpointer is woken and runs
/// a PASSIVE checkpoint: it copies what no reader still needs and blocks neither the writer nor
/// the readers. The WAL starts over once a checkpoint copied all of it before a write begins.
/// Under writes that follow each other with no gap (a bank statement applied chunk after chunk)
/// that moment may not come, so past `ceilingFrames` the writer, after its commit, waits for a
/// checkpoint in progress and then checkpoints on its own connection, as SQLite would have; and
/// a WAL that grew is cut back to `journal_size_limit` when it starts over.
final class Checkpointer: @unchecked Sendable {
    /// The WAL size, in frames (pages), past which a commit wakes the checkpointer.
    let wakeFrames: Int32
    /// The WAL size past which the writer checkpoints itself after its commit.
    let ceilingFrames: Int32

    private let connection: Database
    private let condition = NSCondition()
    /// Held while a checkpoint runs, on either connection.
    private let running = NSLock()
    // Under `condition`.
    private var requested = false
    private var stopping = false
    private var checkpoints = 0
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts the thread; `connection` is the checkpointer's own, used by nothing else.
    init(connection: Database, wakeFrames: Int32, ceilingFrames: Int32) {
        self.connection = connection
        self.wakeFrames = wakeFrames
        self.ceilingFrames = ceilingFrames
        let thread = Thread { [self] in
            self.run()
            self.stopped.signal()
        }
        thread.name = "crmd checkpointer"
        thread.start()
    }

    /// Sets the writer's WAL hook: called on the writer's thread after each of its commits.
    func watch(_ writer: Database) {
        writer.setWALHook { [self, unowned writer] frames in
            if frames >= ceilingFrames {
                running.lock()
                defer { running.unlock() }
                writer.checkpointPassive()
            } else if frames >= wakeFrames {
                request()
            }
        }
    }

    /// Checkpoints run by the thread so far.
    var checkpointCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return checkpoints
    }

    /// Wakes the thread for a checkpoint (requests made while one runs come to one more).
    func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Lets a checkpoint in progress finish, ends the thread and closes its connection.
    func stop() {
        condition.lock()
        let wasStopping = stopping
        stopping = true
        condition.signal()
        condition.unlock()
        guard !wasStopping else { return }
        stopped.wait()
        connection.close()
    }

    private func run() {
        condition.lock()
        while true {
            while !requested && !stopping {
                condition.wait()
            }
            if stopping { break }
            requested = false
            condition.unlock()
            running.lock()
            connection.checkpointPassive()
            running.unlock()
            condition.lock()
            checkpoints += 1
        }
        condition.unlock()
    }
}

extension Database {
    /// Calls `body` with the WAL's size in frames after each commit on this connection, in place
    /// of SQLite's automatic checkpoint. The closure lives as long as the connection.
    func setWALHook(_ body: @escaping (Int32) -> Void) {
        guard let handle = try? openConnection(sql: nil) else { return }
        let hook = WALHook(body)
        walHook = hook
        sqlite3_wal_hook(handle, { context, _, _, frames in
            if let context { Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue().body(frames) }
            return SQLITE_OK
        }, Unmanaged.passUnretained(hook).toOpaque())
    }

    /// A PASSIVE checkpoint of the main database: copies the WAL frames no reader still needs.
    /// Its failures (`SQLITE_BUSY` while another checkpoint runs, an I/O error) are left to the
    /// next one, as SQLite's automatic checkpoint leaves them.
    func checkpointPassive() {
        guard let handle = try? openConnection(sql: nil) else { return }
        sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}

/// The closure a connection's WAL hook calls (held by the connection, passed to SQLite unretained).
final class WALHook {
    let body: (Int32) -> Void

    init(_ body: @escaping (Int32) -> Void) {
        self.body = body
    }
}

import Dispatch
import Glibc
import JSONKit
import Synchronization

/// Keeps connections that keep the processors busy from crowding out the others.
///
/// Each connection has a thread, and the kernel shares the processors between runnable
/// threads: a client flooding 64 connections with pipelined calls makes 64 threads runnable,
/// and a single call of another client waits behind their time slices (on a 2-core machine,
/// measured: a p99 of 0.4 to 0.7 s). So a connection that pipelines work — it has used more than
/// `bulkAfter` of processor time in calls that waited for nothing, since it last had to wait
/// for its client — runs its calls only while holding one of a few slots, taken in arrival
/// order and passed on after `quantum` (at its next call), before any write, and when it has
/// to wait for input again. Every other connection's calls run at once, as before, so at most
/// `slots` pipelining threads compete with them for the processors.
///
/// Calls that wait (for a commit, a database reader, the registry) do not count: a connection
/// of such calls wants little processor time, and holding a slot while waiting would keep
/// group commit from gathering the writes of many pipelining connections.
final class BulkLane: Sendable {
    /// Processor time, in calls that did not wait, that makes a connection take a slot.
    static let bulkAfter = Duration.milliseconds(10)
    /// How long a slot is held before it is passed on to the next in line.
    static let quantum = Duration.milliseconds(10)

    let slots: Int
    private let state: Mutex<(free: Int, waiting: [DispatchSemaphore])>

    init(slots: Int) {
        self.slots = max(1, slots)
        state = Mutex((self.slots, []))
    }

    /// Takes a slot, waiting behind those who asked first.
    func enter() {
        let ticket: DispatchSemaphore? = state.withLock { state in
            if state.free > 0 && state.waiting.isEmpty {
                state.free -= 1
                return nil
            }
            let ticket = DispatchSemaphore(value: 0)
            state.waiting.append(ticket)
            return ticket
        }
        ticket?.wait()
    }

    /// Threads waiting for a slot.
    var waitingCount: Int {
        state.withLock { $0.waiting.count }
    }

    /// Gives a slot up: to the first in line, if any.
    func leave() {
        let next: DispatchSemaphore? = state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.signal()
    }

    /// What the calling thread has used so far: processor time, and the number of times it
    /// waited (voluntary context switches: blocking I/O, a lock, a condition).
    static func threadUsage() -> (cpu: Duration, waits: Int) {
        var usage = rusage()
        // RUSAGE_THREAD (1), which Glibc does not export to Swift.
        guard getrusage(__rusage_who_t(1), &usage) == 0 else { return (.zero, 0) }
        let cpu = Duration.seconds(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + .microseconds(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return (cpu, usage.ru_nvcsw)
    }
}

/// The server's handler as the dispatcher sees it: every call first passes the connection's
/// place in the `BulkLane` (`RPCConnection.beforeCall`).
struct PacedHandler: RPCHandler {
    let handler: any RPCHandler

    func handle(_ request: RPCRequest, connection: RPCConnection) -> Result<JSON, RPCError> {
        connection.beforeCall()
        return handler.handle(request, connection: connection)
    }

    func encodedResult(_ request: RPCRequest, connection: RPCConnection) -> Result<EncodedJSON, RPCError> {
        connection.beforeCall()
        return handler.encodedResult(request, connection: connection)
    }

    func admit(_ connection: RPCConnection) -> RPCError? {
        handler.admit(connection)
    }

    func connectionOpened(_ connection: RPCConnection) {
        handler.connectionOpened(connection)
    }

    func connectionClosed(_ connection: RPCConnection) {
        handler.connectionClosed(connection)
    }
}

import Dispatch
import Glibc
import JSONKit
import Synchronization

/// A JSON-RPC 2.0 server: serves clients over stdio or a Unix socket, one dedicated OS thread
/// per connection, calls on a connection handled one at a time in arrival order.
///
/// Socket clients are limited in number (in total and per user, see `RPCServerConfiguration`),
/// so the threads are too: at most one per admitted connection plus one per listening socket.
/// The kernel shares the processors between the connections' threads, and a `BulkLane` keeps
/// connections that pipeline work from outnumbering the others: a client flooding many
/// connections with calls cannot hold back another client's single call.
///
/// `shutdown()` stops accepting, lets the call in flight on each connection finish and its
/// reply be written, then closes every connection; `waitUntilStopped()` returns after that.
/// Both are bounded by the stop deadline: past it, the remaining connections are cut off and
/// the stop completes even if a call is still running (`stoppedCleanly` is then false).
public final class RPCServer: Sendable {
    enum Phase: Sendable { case running, stopping, stopped }

    /// Who a connection serves: the stdio client, or a socket client of a user (the peer's
    /// uid; nil when unknown), counted against the connection limits.
    enum Client: Sendable {
        case stdio
        case socket(user: UInt32?)
    }

    struct Entry: Sendable {
        let connection: RPCConnection
        var thread: pthread_t?
        let client: Client
    }

    struct State: Sendable {
        var phase = Phase.running
        var nextConnectionID = 1
        var connections: [Int: Entry] = [:]
        var listeners: [SocketListener] = []
        var count = ConnectionCount()
        /// `maxConnections`, lowered to what the descriptor limit allows when listening.
        var connectionLimit: Int
        /// Signalled when the stop completes (those of `serveStdio` callers).
        var stopWaiters: [DispatchSemaphore] = []
        var stoppedCleanly = false
    }

    /// What `register` made of a new client.
    enum Registration {
        case admitted(RPCConnection)
        case refused(RPCError)
        case stopping
    }

    /// While stopping, a write gives up after this long without progress.
    static let stopWriteTimeout = Duration.seconds(1)
    /// The part of the stop deadline left between cutting connections off and giving up on them.
    static let cutOffGrace = Duration.milliseconds(250)

    let dispatcher: Dispatcher
    let configuration: RPCServerConfiguration
    /// Where socket connections that pipeline work take turns: as many slots as processors.
    let lane = BulkLane(slots: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    let state: Mutex<State>
    /// Entered once per connection thread and accept thread while it runs.
    let activity = DispatchGroup()
    /// Signalled when the stop has completed; every waiter passes the signal on.
    private let stoppedSignal = DispatchSemaphore(value: 0)

    public init(handler: some RPCHandler, configuration: RPCServerConfiguration = .init()) {
        signal(SIGPIPE, SIG_IGN)
        self.dispatcher = Dispatcher(handler: PacedHandler(handler: handler))
        self.configuration = configuration
        self.state = Mutex(State(connectionLimit: max(1, configuration.maxConnections)))
    }

    /// Socket clients served at once: `maxConnections`, or fewer when the descriptor limit
    /// (`RLIMIT_NOFILE` less `descriptorReserve`) did not allow it when listening started.
    public var connectionLimit: Int {
        state.withLock { $0.connectionLimit }
    }

    /// Serves one client on the given file descriptors until EOF on input or `shutdown()`.
    /// Blocks; the calls are handled on a dedicated thread. The descriptors stay open: they
    /// belong to the caller. Returns at once when the server is stopping, and when a stop
    /// completes, even one that gave up on a call still running (see `stoppedCleanly`): that
    /// call's thread may still use the descriptors, so the process should exit rather than
    /// reuse them.
    public func serveStdio(input: Int32, output: Int32) {
        let wake = FileDescriptorIO.makeWakePipe()
        let finished = DispatchSemaphore(value: 0)
        let registration = register(.stdio, stopWaiter: finished) {
            .stdio(input: input, output: output, wake: wake)
        }
        guard case .admitted(let connection) = registration else {
            if let wake {
                close(wake.read)
                close(wake.write)
            }
            return
        }
        startThread(for: connection) { finished.signal() }
        finished.wait()
    }

    /// Blocks until `shutdown()` has completed.
    public func waitUntilStopped() {
        stoppedSignal.wait()
        stoppedSignal.signal()
    }

    /// True once the stop has completed with every connection ended; false before, and when
    /// the stop deadline passed with a call still running. Only then may what the handler
    /// uses (a database) be closed: a call still running would be using it.
    public var stoppedCleanly: Bool {
        state.withLock { $0.phase == .stopped && $0.stoppedCleanly }
    }

    /// Stops accepting, lets calls in flight finish and their replies be written, then closes
    /// every connection and removes the socket file; within `stopDeadline` in any case.
    /// Idempotent; safe from any thread. Blocks until done, except when called from a handler
    /// (a connection's own thread), where waiting would deadlock: there it only starts the stop.
    public func shutdown() {
        let me = pthread_self()
        let (starting, listeners, connections, onConnectionThread) = state.withLock { state in
            let onConnectionThread = state.connections.values.contains { entry in
                entry.thread.map { pthread_equal($0, me) != 0 } ?? false
            }
            guard state.phase == .running else {
                return (false, [SocketListener](), [RPCConnection](), onConnectionThread)
            }
            state.phase = .stopping
            return (true, state.listeners, state.connections.values.map(\.connection), onConnectionThread)
        }
        if starting {
            for listener in listeners { listener.stop() }
            let writeTimeout = min(Self.stopWriteTimeout, configuration.writeTimeout)
            for connection in connections {
                connection.shortenWriteTimeout(to: writeTimeout)
                connection.requestStop()
            }
            // On a thread of its own: the stop must not wait for a busy shared pool.
            let stop: @Sendable () -> Void = { [self] in completeStop() }
            if !DetachedThread.start(stop) { DispatchQueue.global().async(execute: stop) }
        }
        if !onConnectionThread { waitUntilStopped() }
    }

    /// Waits for every connection to end, up to the stop deadline; past it, shuts down every
    /// connection still open, so its thread's blocked read or write fails at once, and gives
    /// them a short grace to end. Then completes the stop, whatever is left.
    private func completeStop() {
        let grace = min(Self.cutOffGrace, configuration.stopDeadline / 4)
        if activity.wait(timeout: .now() + (configuration.stopDeadline - grace).dispatchInterval) == .timedOut {
            let remaining = state.withLock { $0.connections.values.map(\.connection) }
            for connection in remaining { connection.cutOff() }
            _ = activity.wait(timeout: .now() + grace.dispatchInterval)
        }
        finishStop()
    }

    /// Completes the stop (once): clean when every connection has ended.
    private func finishStop() {
        let waiters: [DispatchSemaphore]? = state.withLock { state in
            guard state.phase == .stopping else { return nil }
            state.phase = .stopped
            state.stoppedCleanly = state.connections.isEmpty
            defer { state.stopWaiters = [] }
            return state.stopWaiters
        }
        guard let waiters else { return }
        stoppedSignal.signal()
        for waiter in waiters { waiter.signal() }
    }

    // MARK: - Connections

    /// Creates and records a connection, unless the server is stopping or (for a socket
    /// client) a connection limit refuses it; the caller then must start its thread.
    func register(_ client: Client, stopWaiter: DispatchSemaphore? = nil,
                  _ transport: () -> RPCConnection.Transport) -> Registration {
        state.withLock { state in
            guard state.phase == .running else { return .stopping }
            var readDeadline = ReadDeadline(idleTimeout: nil, partialMessageTimeout: nil)
            var lane: BulkLane?
            var peerUser: UInt32?
            if case .socket(let user) = client {
                peerUser = user
                if let refusal = state.count.admit(user: user, maxTotal: state.connectionLimit,
                                                   maxPerUser: max(1, configuration.maxConnectionsPerUser)) {
                    return .refused(refusal)
                }
                readDeadline = ReadDeadline(idleTimeout: configuration.idleTimeout,
                                            partialMessageTimeout: configuration.partialMessageTimeout)
                lane = self.lane
            }
            let connection = RPCConnection(id: state.nextConnectionID, transport: transport(),
                                           readDeadline: readDeadline, lane: lane, peerUser: peerUser)
            state.nextConnectionID += 1
            state.connections[connection.id] = Entry(connection: connection, thread: nil, client: client)
            if let stopWaiter { state.stopWaiters.append(stopWaiter) }
            activity.enter()
            return .admitted(connection)
        }
    }

    /// Runs a registered connection on a new thread, which owns it until it is closed. When no
    /// thread can be created the connection is closed at once.
    func startThread(for connection: RPCConnection, then finished: @escaping @Sendable () -> Void = {}) {
        let started = DetachedThread.start { [self] in
            serve(connection, readMessages: true)
            finished()
        }
        if !started {
            serve(connection, readMessages: false)
            finished()
        }
    }

    private func serve(_ connection: RPCConnection, readMessages: Bool) {
        var readMessages = readMessages
        if let refusal = dispatcher.handler.admit(connection) {
            // Told before anything is read, so in the framing every client reads (see `refuse`).
            var bytes: [UInt8] = []
            ReplyEncoder.reply(id: .null, result: .failure(refusal), into: &bytes)
            bytes.append(0x0A)
            _ = connection.send(bytes)
            readMessages = false
        } else {
            dispatcher.handler.connectionOpened(connection)
        }
        if readMessages {
            let me = pthread_self()
            state.withLock { $0.connections[connection.id]?.thread = me }
            var session = ConnectionSession(connection: connection, dispatcher: dispatcher,
                                            maxMessageSize: configuration.maxMessageSize)
            session.run()
            connection.leaveLane()
        }
        connection.close()
        dispatcher.handler.connectionClosed(connection)
        state.withLock { state in
            guard let entry = state.connections.removeValue(forKey: connection.id) else { return }
            if case .socket(let user) = entry.client { state.count.release(user: user) }
        }
        activity.leave()
    }
}

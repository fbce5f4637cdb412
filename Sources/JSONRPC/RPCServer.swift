import Dispatch
import Glibc
import JSONKit
import Synchronization

/// A JSON-RPC 2.0 server: serves clients over stdio or a Unix socket, one dedicated OS thread
/// per connection, calls on a connection handled one at a time in arrival order.
///
/// `shutdown()` stops accepting, lets the call in flight on each connection finish and its
/// reply be written, then closes every connection; `waitUntilStopped()` returns after that.
public final class RPCServer: Sendable {
    enum Phase: Sendable { case running, stopping, stopped }

    struct Entry: Sendable {
        let connection: RPCConnection
        var thread: pthread_t?
    }

    struct State: Sendable {
        var phase = Phase.running
        var nextConnectionID = 1
        var connections: [Int: Entry] = [:]
        var listeners: [SocketListener] = []
    }

    let dispatcher: Dispatcher
    let configuration: RPCServerConfiguration
    let state = Mutex(State())
    /// Entered once per connection thread and accept thread while it runs.
    let activity = DispatchGroup()
    /// Signalled when the stop has completed; every waiter passes the signal on.
    private let stoppedSignal = DispatchSemaphore(value: 0)

    public init(handler: some RPCHandler, configuration: RPCServerConfiguration = .init()) {
        signal(SIGPIPE, SIG_IGN)
        self.dispatcher = Dispatcher(handler: handler)
        self.configuration = configuration
    }

    /// Serves one client on the given file descriptors until EOF on input or `shutdown()`.
    /// Blocks; the calls are handled on a dedicated thread. The descriptors stay open: they
    /// belong to the caller. Returns at once when the server is stopping.
    public func serveStdio(input: Int32, output: Int32) {
        let wake = FileDescriptorIO.makeWakePipe()
        guard let connection = register({ .stdio(input: input, output: output, wake: wake) }) else {
            if let wake {
                close(wake.read)
                close(wake.write)
            }
            return
        }
        let finished = DispatchSemaphore(value: 0)
        startThread(for: connection) { finished.signal() }
        finished.wait()
    }

    /// Blocks until `shutdown()` has completed.
    public func waitUntilStopped() {
        stoppedSignal.wait()
        stoppedSignal.signal()
    }

    /// Stops accepting, lets calls in flight finish and their replies be written, then closes
    /// every connection and removes the socket file. Idempotent; safe from any thread. Blocks
    /// until done, except when called from a handler (a connection's own thread), where
    /// waiting would deadlock: there it only starts the stop.
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
            for connection in connections { connection.requestStop() }
            activity.notify(queue: .global()) { [self] in
                state.withLock { $0.phase = .stopped }
                stoppedSignal.signal()
            }
        }
        if !onConnectionThread { waitUntilStopped() }
    }

    // MARK: - Connections

    /// Creates and records a connection, unless the server is stopping; the caller then must
    /// start its thread.
    func register(_ transport: () -> RPCConnection.Transport) -> RPCConnection? {
        state.withLock { state in
            guard state.phase == .running else { return nil }
            let connection = RPCConnection(id: state.nextConnectionID, transport: transport())
            state.nextConnectionID += 1
            state.connections[connection.id] = Entry(connection: connection, thread: nil)
            activity.enter()
            return connection
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
        dispatcher.handler.connectionOpened(connection)
        if readMessages {
            let me = pthread_self()
            state.withLock { $0.connections[connection.id]?.thread = me }
            var session = ConnectionSession(connection: connection, dispatcher: dispatcher,
                                            maxMessageSize: configuration.maxMessageSize)
            session.run()
        }
        connection.close()
        dispatcher.handler.connectionClosed(connection)
        state.withLock { _ = $0.connections.removeValue(forKey: connection.id) }
        activity.leave()
    }
}

import CRMAPI
import Dispatch
import Glibc
import HTTP
import Synchronization

/// `crmd serve --http`: an HTTP/1.1 server in front of the same handler as the Unix socket,
/// one OS thread per client (as the socket server), written on Glibc and Dispatch.
///
/// `shutdown()` stops accepting, lets every request in flight finish and its response be
/// written, closes idle connections and WebSockets (close 1001), and returns once all have
/// ended or the stop deadline has passed (then the rest are cut off).
package final class BridgeServer: Sendable {
    let configuration: BridgeConfiguration
    let routes: BridgeRoutes
    private let listener: TCPListener
    private let state = Mutex(State())
    private let activity = DispatchGroup()

    private struct State {
        var nextID = 1
        var clients: [Int: ClientSocket] = [:]
        var stopping = false
    }

    /// Binds the address (so a port in use fails here, before anything is served).
    package init(handler: CRMHandler, configuration: BridgeConfiguration) throws {
        self.configuration = configuration
        do {
            listener = try TCPListener(address: configuration.address)
        } catch {
            throw BridgeError(description: error.description)
        }
        routes = BridgeRoutes(handler: handler, configuration: configuration)
    }

    /// The URL the bridge serves at, e.g. `http://127.0.0.1:8080/`.
    package var url: String {
        let host = listener.host.contains(":") ? "[\(listener.host)]" : listener.host
        return "http://\(host):\(listener.port)/"
    }

    /// Starts accepting clients on a thread of its own.
    package func start() throws {
        activity.enter()
        guard startThread({ [self] in acceptLoop() }) else {
            activity.leave()
            listener.closeDescriptors()
            throw BridgeError(description: "cannot start the bridge's accept thread")
        }
    }

    package func shutdown() {
        let clients = state.withLock { state -> [ClientSocket] in
            guard !state.stopping else { return [] }
            state.stopping = true
            return Array(state.clients.values)
        }
        listener.stop()
        for client in clients { client.requestStop() }
        if activity.wait(timeout: .now() + .milliseconds(Int(configuration.stopDeadline.components.seconds * 1000))) == .timedOut {
            for client in state.withLock({ Array($0.clients.values) }) { client.cutOff() }
            _ = activity.wait(timeout: .now() + .milliseconds(250))
        }
        routes.stop()
    }

    private func acceptLoop() {
        defer {
            listener.closeDescriptors()
            activity.leave()
        }
        while let fd = listener.accept() {
            let client = ClientSocket(fd: fd, writeTimeout: configuration.writeTimeout)
            let id: Int? = state.withLock { state in
                guard !state.stopping, state.clients.count < configuration.maxConnections else { return nil }
                defer { state.nextID += 1 }
                state.clients[state.nextID] = client
                return state.nextID
            }
            guard let id else {
                _ = client.write(HTTPResponse.plain(503, "Too many clients, or the server is stopping.").serialized(keepAlive: false))
                client.close()
                continue
            }
            activity.enter()
            let started = startThread { [self] in
                HTTPConnection(socket: client, routes: routes, configuration: configuration).run()
                finish(id, client)
            }
            if !started { finish(id, client) }
        }
    }

    private func finish(_ id: Int, _ client: ClientSocket) {
        client.close()
        state.withLock { _ = $0.clients.removeValue(forKey: id) }
        activity.leave()
    }

    /// Runs `body` on a new detached thread with a modest stack (a thousand idle WebSockets
    /// are a thousand threads); false when the system refuses one.
    private func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Work { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 4 << 20)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        if status != 0 { Unmanaged<Work>.fromOpaque(context).release() }
        return status == 0
    }
}

/// Why the bridge could not start.
package struct BridgeError: Error, CustomStringConvertible {
    package let description: String
}

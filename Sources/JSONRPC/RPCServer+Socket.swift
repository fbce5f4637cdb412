import Glibc
import JSONKit

extension RPCServer {
    /// Binds a Unix socket at `socketPath` (mode 0600; a stale socket file — nothing accepting —
    /// is replaced; a live one throws `RPCTransportError.addressInUse`), accepts concurrent
    /// clients up to the connection limits, each on its own thread. Returns once listening.
    ///
    /// First raises the soft `RLIMIT_NOFILE` (up to the hard limit) to make room for
    /// `maxConnections` plus `descriptorReserve`, and lowers the connection limit to what it
    /// allows (see `connectionLimit`).
    public func listen(socketPath: String) throws(RPCTransportError) {
        guard let wake = FileDescriptorIO.makeWakePipe() else { throw .system("pipe", errno: errno) }
        let socket: (fd: Int32, device: UInt64, inode: UInt64)
        do {
            socket = try UnixSocket.listen(at: socketPath)
        } catch {
            close(wake.read)
            close(wake.write)
            throw error
        }
        let listener = SocketListener(path: socketPath, fd: socket.fd, device: socket.device,
                                      inode: socket.inode, wake: wake)
        let descriptors = DescriptorBudget.raiseLimit(toFit: configuration.maxConnections,
                                                      reserve: configuration.descriptorReserve)
        let limit = DescriptorBudget.connectionLimit(configured: configuration.maxConnections,
                                                     descriptorLimit: descriptors, reserve: configuration.descriptorReserve)
        let accepted = state.withLock { state in
            guard state.phase == .running else { return false }
            state.listeners.append(listener)
            state.connectionLimit = min(state.connectionLimit, limit)
            activity.enter()
            return true
        }
        guard accepted else {
            listener.closeDescriptors()
            throw .system("the server is shut down", errno: ECANCELED)
        }
        let started = DetachedThread.start { [self] in
            acceptClients(listener)
        }
        guard started else {
            state.withLock { $0.listeners.removeAll { $0 === listener } }
            listener.closeDescriptors()
            activity.leave()
            throw .system("pthread_create", errno: EAGAIN)
        }
    }

    /// The accept loop of one listener, on its own thread. Never stalls while clients wait:
    /// one past a limit is accepted, told so, and disconnected; when the process is out of
    /// descriptors, a spare one kept for the purpose is given up to do the same.
    private func acceptClients(_ listener: SocketListener) {
        var spare = SpareDescriptor()
        defer {
            spare.close()
            listener.closeDescriptors()
            activity.leave()
        }
        while listener.waitForClient() {
            let fd = UnixSocket.accept(listener.fd)
            if fd < 0 {
                switch errno {
                case EINTR, EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE:
                    if spare.release() {
                        refuseWaitingClient(listener, error: .tooManyConnections(limit: DescriptorBudget.descriptorLimit,
                                                                                 scope: .descriptors))
                        spare.reopen()
                    } else {
                        spare.reopen()
                        usleep(20_000)
                    }
                    continue
                case ENOBUFS, ENOMEM:
                    usleep(20_000)
                    continue
                default:
                    return
                }
            }
            FileDescriptorIO.setSendTimeout(fd, configuration.writeTimeout)
            switch register(.socket(user: UnixSocket.peerUser(of: fd)), { .socket(fd) }) {
            case .admitted(let connection):
                startThread(for: connection)
            case .refused(let error):
                Self.refuse(fd, error)
            case .stopping:
                close(fd)
                return
            }
        }
    }

    /// Accepts the next waiting client (a descriptor must be free) only to refuse it.
    private func refuseWaitingClient(_ listener: SocketListener, error: RPCError) {
        let fd = UnixSocket.accept(listener.fd)
        if fd >= 0 { Self.refuse(fd, error) }
    }

    /// Writes `error` as a newline-framed reply with `"id": null` — the client has not said
    /// anything yet, so neither its framing nor an id is known — then closes. Never blocks:
    /// the few bytes fit in a new socket's buffer, and are dropped if they do not.
    static func refuse(_ fd: Int32, _ error: RPCError) {
        var bytes: [UInt8] = []
        ReplyEncoder.reply(id: .null, result: .failure(error), into: &bytes)
        bytes.append(0x0A)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        close(fd)
    }
}

/// A descriptor held open (on /dev/null) only to be given up when the process runs out of
/// descriptors, so that a waiting client can still be accepted and told to go away.
struct SpareDescriptor: ~Copyable {
    private var fd: Int32 = -1

    init() { reopen() }

    /// Takes the descriptor again if it was given up; may fail while none is free.
    mutating func reopen() {
        guard fd < 0 else { return }
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// Gives the descriptor up; false when there was none to give.
    mutating func release() -> Bool {
        guard fd >= 0 else { return false }
        Glibc.close(fd)
        fd = -1
        return true
    }

    mutating func close() { _ = release() }
}

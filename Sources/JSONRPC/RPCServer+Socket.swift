import Glibc

extension RPCServer {
    /// Binds a Unix socket at `socketPath` (mode 0600; a stale socket file — nothing accepting —
    /// is replaced; a live one throws `RPCTransportError.addressInUse`), accepts any number of
    /// concurrent clients, each on its own thread. Returns once listening.
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
        let accepted = state.withLock { state in
            guard state.phase == .running else { return false }
            state.listeners.append(listener)
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

    private func acceptClients(_ listener: SocketListener) {
        defer {
            listener.closeDescriptors()
            activity.leave()
        }
        while listener.waitForClient() {
            let fd = accept(listener.fd, nil, nil)
            if fd < 0 {
                switch errno {
                case EINTR, EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    usleep(20_000)
                    continue
                default:
                    return
                }
            }
            FileDescriptorIO.setCloseOnExec(fd)
            FileDescriptorIO.setSendTimeout(fd, configuration.writeTimeout)
            guard let connection = register({ .socket(fd) }) else {
                close(fd)
                return
            }
            startThread(for: connection)
        }
    }
}

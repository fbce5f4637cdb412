import Glibc
import Synchronization

/// One listening Unix socket and the wake pipe that interrupts its accept loop. The accept
/// thread owns the descriptors and closes them when it ends; `stop()` only wakes it and
/// removes the socket file, so it is safe from any thread.
final class SocketListener: Sendable {
    let path: String
    let fd: Int32
    private let device: UInt64
    private let inode: UInt64
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex((stopped: false, closed: false))

    init(path: String, fd: Int32, device: UInt64, inode: UInt64, wake: (read: Int32, write: Int32)) {
        self.path = path
        self.fd = fd
        self.device = device
        self.inode = inode
        self.wake = wake
    }

    /// Waits for a pending client; false once stopped.
    func waitForClient() -> Bool {
        var entries = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            if state.withLock({ $0.stopped }) { return false }
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || entries[1].revents != 0 { return false }
            return true
        }
    }

    /// Removes the socket file and wakes the accept loop; idempotent.
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            UnixSocket.unlinkIfSame(path, device: device, inode: inode)
            guard !state.closed else { return }
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
        }
    }

    /// Called once by the accept thread as it ends.
    func closeDescriptors() {
        state.withLock { state in
            if !state.stopped {
                state.stopped = true
                UnixSocket.unlinkIfSame(path, device: device, inode: inode)
            }
            guard !state.closed else { return }
            state.closed = true
            close(fd)
            close(wake.read)
            close(wake.write)
        }
    }
}

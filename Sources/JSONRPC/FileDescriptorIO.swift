import Glibc

/// Blocking reads and writes on raw file descriptors with `read(2)` / `write(2)`, retrying on
/// EINTR and finishing partial writes.
enum FileDescriptorIO {
    /// Reads up to `buffer.count` bytes: the count, 0 at end of input, -1 on error.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            return -1
        }
    }

    /// Writes every byte. When the descriptor would block (non-blocking, or a socket send
    /// timeout expired) it waits for it to become writable if `waitWhenBlocked`, else gives up.
    /// Returns false when the bytes could not all be written (EPIPE, timeout, any error).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, waitWhenBlocked: Bool) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(fd, next, remaining)
            if written > 0 {
                next += written
                remaining -= written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waitWhenBlocked {
                guard waitUntilReady(fd, events: Int16(POLLOUT), timeoutMilliseconds: -1) else { return false }
                continue
            }
            return false
        }
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], waitWhenBlocked: Bool) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0, waitWhenBlocked: waitWhenBlocked) }
    }

    /// Waits until `fd` is ready for `events` (or hung up); false on timeout or error.
    static func waitUntilReady(_ fd: Int32, events: Int16, timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let result = poll(&entry, 1, timeoutMilliseconds)
            if result > 0 { return entry.revents & Int16(POLLNVAL) == 0 }
            if result < 0 && errno == EINTR { continue }
            return false
        }
    }

    /// A pipe whose write end wakes a thread polling its read end; both ends close-on-exec.
    static func makeWakePipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return (ends[0], ends[1])
    }

    static func setCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    /// Makes a blocking write to socket `fd` give up with EAGAIN after `timeout` without progress.
    static func setSendTimeout(_ fd: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(max(0, seconds)), tv_usec: Int(max(0, attoseconds) / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { return }
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of a local program (the sendmail command, the SMS command): `input` written to its
/// stdin, its stderr kept, its stdout discarded, and the whole run within `timeout`.
///
/// The rules it keeps: the program's stdin is a socket written with MSG_NOSIGNAL, so a program
/// that exits early never raises SIGPIPE here; it starts with an empty signal mask and every
/// signal's default action, and none of crmd's descriptors (all are close-on-exec); a program
/// still running at the deadline is killed and waited for. It blocks its caller: call it on a
/// dedicated thread, never on a cooperative-pool task.
package enum ChildProcess {
    /// How a run ended.
    package enum Outcome: Sendable, Equatable {
        /// The program ended with this status (128 + the signal if a signal ended it) and stderr.
        case exited(Int32, stderr: String)
        /// It could not be started (the reason, as `strerror` tells it).
        case couldNotStart(String)
        /// It was still running at the deadline, and was killed.
        case timedOut
    }

    package static func run(_ path: String, arguments: [String], input bytes: [UInt8], timeout: Duration) -> Outcome {
        // Socket pairs rather than pipes: they are close-on-exec from the start, so no other
        // program started meanwhile can inherit them.
        guard let (writer, childInput) = Self.socketPair() else {
            return .couldNotStart("socketpair: \(String(cString: strerror(errno)))")
        }
        guard let (errorReader, childError) = Self.socketPair() else {
            let reason = String(cString: strerror(errno))
            close(writer)
            close(childInput)
            return .couldNotStart("socketpair: \(reason)")
        }
        let spawned = Self.spawn(path, arguments, input: childInput, error: childError)
        close(childInput)
        close(childError)
        let pid: pid_t
        switch spawned {
        case .success(let child):
            pid = child
        case .failure(let failure):
            close(writer)
            close(errorReader)
            return .couldNotStart("cannot run \(path): \(String(cString: strerror(failure.code)))")
        }
        defer { close(errorReader) }

        // Write stdin on another thread while this one drains stderr, so neither pipe can stall.
        // Once the command has ended (or been killed) the writer is shut down, which ends a
        // write still waiting for a reader (a grandchild may hold stdin open), and then closed
        // here, after that thread is done with it.
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Self.writeAll(bytes, to: writer)
            shutdown(writer, Int32(SHUT_WR))
            written.signal()
        }
        defer {
            shutdown(writer, Int32(SHUT_RDWR))
            written.wait()
            close(writer)
        }
        let deadline = ContinuousClock.now + timeout
        guard let stderrData = Self.readToEnd(errorReader, until: deadline),
              let status = Self.waitForExit(pid, until: deadline) else {
            kill(pid, SIGKILL)
            _ = Self.waitForExit(pid, until: nil)
            return .timedOut
        }
        return .exited(status, stderr: String(decoding: stderrData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func socketPair() -> (Int32, Int32)? {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else { return nil }
        return (pair[0], pair[1])
    }

    struct SpawnFailure: Error {
        let code: Int32
    }

    /// Starts the command with stdin `input`, stdout /dev/null and stderr `error`. It gets an
    /// empty signal mask and every signal's default action: crmd blocks SIGINT and SIGTERM (one
    /// thread takes them with sigwait), its delivery threads may block more, and it ignores
    /// SIGPIPE, and a program would inherit all of that through exec. Every other descriptor of
    /// crmd's is close-on-exec.
    private static func spawn(_ path: String, _ arguments: [String], input: Int32, error: Int32) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, error, STDERR_FILENO)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        var status = posix_spawn(&pid, path, &actions, &attributes, argv + [nil], environ)
        // ETXTBSY: a program just written is still open for writing in a child another thread
        // forked meanwhile, until that child execs; it passes within milliseconds.
        for attempt in 1...5 where status == ETXTBSY {
            usleep(useconds_t(10_000 * attempt))
            status = posix_spawn(&pid, path, &actions, &attributes, argv + [nil], environ)
        }
        return status == 0 ? .success(pid) : .failure(SpawnFailure(code: status))
    }

    /// Everything `fd` yields until end of file, or nil if the deadline passes first.
    private static func readToEnd(_ fd: Int32, until deadline: ContinuousClock.Instant) -> Data? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 1000))
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 && errno != EINTR { return data }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }

    /// The exit status of the child (128 + the signal if a signal ended it; 127 if it cannot be
    /// waited for), once it has ended; nil if the deadline passes first. Without a deadline it
    /// waits as long as it takes.
    private static func waitForExit(_ pid: pid_t, until deadline: ContinuousClock.Instant?) -> Int32? {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            }
            if result < 0 && errno != EINTR { return 127 }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            if result == 0 { usleep(5_000) }
        }
    }

    /// Writes until done or the reader goes away (EPIPE is reported by the exit status instead).
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent } else if sent < 0 && errno == EINTR { continue } else { return }
        }
    }
}

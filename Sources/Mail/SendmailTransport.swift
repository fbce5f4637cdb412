import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Delivers messages by piping `rendered()` to a sendmail-compatible command
/// (`/usr/sbin/sendmail -t -i` by default: recipients from the headers, "." lines kept).
///
/// The rule it keeps: the message counts as handed over only when the command exits with 0;
/// any other exit is `.sendmailFailed` with the command's stderr (status 75, EX_TEMPFAIL, is
/// temporary; 127 means the command could not be started). The command's stdin is a socket
/// written with MSG_NOSIGNAL, so a command that exits early never raises SIGPIPE here. A
/// command still running after `timeout` is killed and the attempt is a temporary failure
/// (status 75): a hung sendmail never holds delivery, or a stopping server, for good.
public struct SendmailTransport: MailTransport {
    public var path: String
    public var arguments: [String]
    public var timeout: Duration

    public init(path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-i"], timeout: Duration = .seconds(60)) {
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
    }

    public func send(_ message: MailMessage) throws(MailError) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw .sendmailFailed(status: 127, stderr: "socketpair: \(String(cString: strerror(errno)))")
        }
        let writer = pair[0]
        _ = fcntl(writer, F_SETFD, FD_CLOEXEC)
        let childInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
        let errorPipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = childInput
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorPipe
        do {
            try process.run()
        } catch {
            close(writer)
            try? childInput.close()
            throw .sendmailFailed(status: 127, stderr: "cannot run \(path): \(error)")
        }
        try? childInput.close()
        try? errorPipe.fileHandleForWriting.close()

        // Write stdin on another thread while this one drains stderr, so neither pipe can stall.
        let bytes = message.rendered()
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Self.writeAll(bytes, to: writer)
            shutdown(writer, Int32(SHUT_WR))
            close(writer)
            written.signal()
        }
        let deadline = ContinuousClock.now + timeout
        guard let stderrData = Self.readToEnd(errorPipe.fileHandleForReading.fileDescriptor, until: deadline),
              Self.waitForExit(process, until: deadline) else {
            // Hung: kill it, and unblock the writer (its peer may be kept open by a grandchild).
            kill(process.processIdentifier, SIGKILL)
            shutdown(writer, Int32(SHUT_RDWR))
            throw .sendmailFailed(status: 75, stderr: "\(path) did not finish within \(timeout.components.seconds) s; killed")
        }
        written.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        guard status == 0 else {
            let text = String(decoding: stderrData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .sendmailFailed(status: status, stderr: text)
        }
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

    /// Whether the process exited before the deadline.
    private static func waitForExit(_ process: Process, until deadline: ContinuousClock.Instant) -> Bool {
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(5_000)
        }
        return true
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

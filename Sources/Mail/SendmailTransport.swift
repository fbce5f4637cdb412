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
/// written with MSG_NOSIGNAL, so a command that exits early never raises SIGPIPE here.
public struct SendmailTransport: MailTransport {
    public var path: String
    public var arguments: [String]

    public init(path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-i"]) {
        self.path = path
        self.arguments = arguments
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
        let stderrData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        written.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        guard status == 0 else {
            let text = String(decoding: stderrData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .sendmailFailed(status: status, stderr: text)
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

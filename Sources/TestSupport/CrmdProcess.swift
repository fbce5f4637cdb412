import Foundation
import Synchronization

/// A running `crmd` child process with its stdin, stdout and stderr on pipes. stderr is
/// drained on a thread for the whole life of the child, so the child never blocks on it.
public final class CrmdProcess: @unchecked Sendable {
    public let process = Process()
    public let input = Pipe()
    public let output = Pipe()
    private let errorPipe = Pipe()
    private let stderrText = Mutex("")
    private let drained = DispatchSemaphore(value: 0)

    /// Starts `crmd` with `arguments` (e.g. `["serve", "--stdio", "--db", path]`).
    public init(_ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: CrmdBinary.path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errorPipe
        try process.run()
        let handle = errorPipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                stderrText.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            drained.signal()
        }
    }

    /// Everything the child wrote to stderr so far.
    public var stderr: String { stderrText.withLock { $0 } }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the child to exit (at most `timeout` seconds, then kills it) and returns its status.
    @discardableResult
    public func wait(timeout: TimeInterval = 20) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5)
        return process.terminationStatus
    }

    /// Writes raw bytes to the child's stdin.
    public func write(_ bytes: [UInt8]) { input.fileHandleForWriting.write(Data(bytes)) }

    public func closeInput() { try? input.fileHandleForWriting.close() }

    /// Reads from the child's stdout until `predicate` holds for what was read, or `timeout` passes.
    public func read(until predicate: ([UInt8]) -> Bool, timeout: TimeInterval = 10) -> [UInt8] {
        let fd = output.fileHandleForReading.fileDescriptor
        var collected: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !predicate(collected) && Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            collected += buffer[0..<count]
        }
        return collected
    }

    /// Waits until a Unix socket at `path` accepts connections.
    public static func waitForSocket(_ path: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let client = try? SocketClient(path: path) {
                client.close()
                return true
            }
            usleep(10_000)
        }
        return false
    }
}

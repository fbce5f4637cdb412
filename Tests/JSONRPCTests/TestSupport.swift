import Dispatch
import Foundation
import Glibc
import JSONKit
import JSONRPC
import Synchronization

/// The handler used by the tests: the spec's example methods plus a few for transports.
final class TestHandler: RPCHandler {
    /// Signalled when a `sleep` call starts.
    let sleepStarted = DispatchSemaphore(value: 0)
    let closedConnections = Mutex<[Int]>([])
    let lastConnection = Mutex<RPCConnection?>(nil)
    let server = Mutex<RPCServer?>(nil)
    /// Every call handled, notifications included.
    let handledCalls = Mutex(0)
    /// Signalled when a `wait` call starts; the call returns once `release` is signalled.
    let waitStarted = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    func handle(_ request: RPCRequest, connection: RPCConnection) -> Result<JSON, RPCError> {
        lastConnection.withLock { $0 = connection }
        handledCalls.withLock { $0 += 1 }
        let params = request.params
        switch request.method {
        case "echo":
            return .success(params ?? .null)
        case "subtract":
            if let list = params?.arrayValue, list.count == 2, let a = list[0].intValue, let b = list[1].intValue {
                return .success(.int(a - b))
            }
            if let a = params?["minuend"]?.intValue, let b = params?["subtrahend"]?.intValue {
                return .success(.int(a - b))
            }
            return .failure(.invalidParams([(path: "", message: "two integers expected")]))
        case "sum":
            let total = (params?.arrayValue ?? []).compactMap(\.intValue).reduce(0, +)
            return .success(.int(total))
        case "get_data":
            return .success(["hello", 5])
        case "update", "notify_hello", "notify_sum":
            return .success(.null)
        case "sleep":
            sleepStarted.signal()
            usleep(UInt32(params?["ms"]?.intValue ?? 100) * 1000)
            return .success("slept")
        case "wait":
            waitStarted.signal()
            release.wait()
            return .success("released")
        case "blob":
            return .success(.string(String(repeating: "x", count: params?["bytes"]?.intValue ?? 0)))
        case "fail":
            return .failure(RPCError(code: 42, message: "failed on purpose", data: ["why": "test"]))
        case "notifyMe":
            for index in 0..<(params?["count"]?.intValue ?? 1) {
                connection.notify(method: "progress", params: ["index": .int(index)])
            }
            return .success("done")
        case "whoami":
            return .success((connection.session as? String).map(JSON.string) ?? .null)
        case "stop":
            server.withLock { $0 }?.shutdown()
            return .success("stopping")
        default:
            return .failure(.methodNotFound(request.method))
        }
    }

    /// What `admit` answers (nil lets every client in), and the peers' uids it saw.
    let refusal = Mutex<RPCError?>(nil)
    let admittedPeers = Mutex<[UInt32?]>([])
    let openedConnections = Mutex(0)

    func admit(_ connection: RPCConnection) -> RPCError? {
        admittedPeers.withLock { $0.append(connection.peerUser) }
        return refusal.withLock { $0 }
    }

    /// Each connection's session: its id and transport, attached when it opens.
    func connectionOpened(_ connection: RPCConnection) {
        openedConnections.withLock { $0 += 1 }
        connection.attachSession("session \(connection.id) over \(connection.transportName)")
    }

    func connectionClosed(_ connection: RPCConnection) {
        closedConnections.withLock { $0.append(connection.id) }
    }
}

enum TestError: Error { case timeout(String), closed, system(String) }

/// The client end of a connection: blocking reads with a timeout, on a raw descriptor.
final class Peer {
    let fd: Int32
    let writeFD: Int32
    private var buffer: [UInt8] = []
    private var closed = false
    private var writeClosed = false

    init(fd: Int32, writeFD: Int32? = nil) {
        self.fd = fd
        self.writeFD = writeFD ?? fd
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
        if writeFD != fd && !writeClosed { Glibc.close(writeFD) }
    }

    /// Closes the sending side only: the server sees end of input and may still answer.
    func finishSending() {
        if writeFD == fd {
            Glibc.shutdown(fd, Int32(SHUT_WR))
        } else if !writeClosed {
            writeClosed = true
            Glibc.close(writeFD)
        }
    }

    func send(_ text: String) { sendBytes(Array(text.utf8)) }

    func sendLine(_ text: String) { send(text + "\n") }

    func sendFrame(_ text: String) { send("Content-Length: \(text.utf8.count)\r\n\r\n" + text) }

    func sendBytes(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; false at end of input or on error.
    private func fill(timeout: Double) throws -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(timeout * 1000))
        if ready == 0 { throw TestError.timeout("no data within \(timeout) s") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// The next newline-terminated line, without its newline.
    func readLine(timeout: Double = 5) throws -> String {
        var scanned = 0
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            scanned = buffer.count
            guard try fill(timeout: timeout) else { throw TestError.closed }
        }
    }

    /// Waits until at least `count` bytes have arrived (and are buffered, unread).
    func waitForBytes(_ count: Int, timeout: Double = 5) throws {
        while buffer.count < count {
            guard try fill(timeout: timeout) else { throw TestError.closed }
        }
    }

    func readJSON(timeout: Double = 5) throws -> JSON {
        try JSON.parse(readLine(timeout: timeout))
    }

    /// The body of the next LSP-framed message.
    func readFrame(timeout: Double = 5) throws -> String {
        while true {
            if let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let header = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                guard header.hasPrefix("Content-Length: "), let length = Int(header.dropFirst(16)) else {
                    throw TestError.system("bad header \(header)")
                }
                if buffer.count - end.upperBound >= length {
                    let body = String(decoding: buffer[end.upperBound..<end.upperBound + length], as: UTF8.self)
                    buffer.removeSubrange(..<(end.upperBound + length))
                    return body
                }
            }
            guard try fill(timeout: timeout) else { throw TestError.closed }
        }
    }

    /// True when the server closed the connection (end of input or reset) with nothing more to read.
    func readsEndOfInput(timeout: Double = 5) -> Bool {
        guard buffer.isEmpty else { return false }
        do { return try !fill(timeout: timeout) } catch { return false }
    }
}

/// A server serving one client over a socketpair through `serveStdio`.
final class StdioHarness {
    let handler = TestHandler()
    let server: RPCServer
    let peer: Peer
    private let serverFD: Int32
    private let finished = DispatchSemaphore(value: 0)
    private var returned = false

    init(maxMessageSize: Int? = nil) {
        var configuration = RPCServerConfiguration()
        if let maxMessageSize { configuration.maxMessageSize = maxMessageSize }
        let server = RPCServer(handler: handler, configuration: configuration)
        self.server = server
        handler.server.withLock { $0 = server }
        var fds: [Int32] = [-1, -1]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        peer = Peer(fd: fds[0])
        serverFD = fds[1]
        let fd = serverFD
        let finished = finished
        Thread {
            server.serveStdio(input: fd, output: fd)
            finished.signal()
        }.start()
    }

    /// Waits for `serveStdio` to return; false on timeout.
    func waitForServeToReturn(timeout: Double = 5) -> Bool {
        if !returned { returned = finished.wait(timeout: .now() + timeout) == .success }
        return returned
    }

    deinit {
        peer.close()
        _ = waitForServeToReturn()
        Glibc.close(serverFD)
    }
}

/// A fresh directory for socket files, short enough for `sun_path`.
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/jrpc-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
        return String(cString: base)
    }
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A connected client of the Unix socket at `path`.
func connectPeer(_ path: String) throws -> Peer {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard status == 0 else {
        let code = errno
        Glibc.close(fd)
        throw TestError.system("connect: errno \(code)")
    }
    return Peer(fd: fd)
}

extension JSON {
    /// Parses test text, failing the caller on bad JSON.
    static func from(_ text: String) -> JSON {
        (try? JSON.parse(text)) ?? .string("<invalid JSON: \(text)>")
    }
}

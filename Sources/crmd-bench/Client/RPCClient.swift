import JSONKit
#if canImport(Glibc)
import Glibc
#endif

/// A JSON-RPC error reply, or a broken exchange.
struct RPCError: Error, CustomStringConvertible {
    let description: String
}

/// A plain request/response client for the measurements that are not about throughput
/// (list queries, start-up): one call at a time, full JSON parse of each reply.
final class RPCClient {
    let fd: Int32
    private let ownsDescriptor: Bool
    private var nextID = 1
    private let buffer = ByteBuffer(capacity: 1 << 20)

    convenience init(socket: String) throws {
        self.init(connected: try UnixSocket.connect(path: socket))
    }

    /// Takes over a connected socket (closed with the client unless `owns` is false).
    init(connected fd: Int32, timeout: Double = 60, owns: Bool = true) {
        self.fd = fd
        ownsDescriptor = owns
        UnixSocket.setReceiveTimeout(fd, seconds: timeout)
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// The request line for `method`, serialized once so that timing excludes it.
    func request(_ method: String, _ params: JSON) -> [UInt8] {
        let message: JSON = ["jsonrpc": "2.0", "id": .int(nextID), "method": .string(method), "params": params]
        nextID += 1
        return message.serialized() + [0x0A]
    }

    /// Sends `request` and returns the raw reply line and the nanoseconds from write to the
    /// reply's last byte.
    func exchange(_ request: [UInt8]) throws -> (line: [UInt8], nanoseconds: UInt64) {
        let start = MonotonicClock.now()
        let written = request.withUnsafeBufferPointer { UnixSocket.writeAll(fd, $0.baseAddress!, $0.count) }
        guard written else { throw RPCError(description: SystemError("write").description) }
        var searchFrom = 0
        while true {
            if searchFrom < buffer.count, let newline = memchr(buffer.base + searchFrom, 0x0A, buffer.count - searchFrom) {
                let end = newline.assumingMemoryBound(to: UInt8.self) - buffer.base
                let elapsed = MonotonicClock.now() - start
                let line = Array(UnsafeBufferPointer(start: buffer.base, count: end))
                buffer.consume(end + 1)
                return (line, elapsed)
            }
            searchFrom = buffer.count
            let tail = buffer.writableTail(minimum: 256 << 10)
            let n = UnixSocket.readSome(fd, tail, buffer.freeSpace)
            if n == 0 { throw RPCError(description: "the server closed the connection") }
            if n < 0 { throw RPCError(description: SystemError("read").description) }
            buffer.count += n
        }
    }

    /// The `result` of a reply line; an `error` reply throws.
    static func result(of line: [UInt8]) throws -> JSON {
        let reply: JSON
        do {
            reply = try JSON.parse(line)
        } catch {
            throw RPCError(description: "unparsable reply (\(error)): \(String(decoding: line.prefix(300), as: UTF8.self))")
        }
        if let error = reply["error"] { throw RPCError(description: "error reply: \(error.text)") }
        guard let result = reply["result"] else { throw RPCError(description: "reply without result: \(reply.text)") }
        return result
    }

    /// Calls `method` and returns its result.
    func call(_ method: String, _ params: JSON = [:]) throws -> JSON {
        try Self.result(of: exchange(request(method, params)).line)
    }

    /// Switches the connection to the user of an API token (`session.login`); a refusal throws.
    func login(token: String) throws {
        do {
            _ = try call("session.login", ["token": .string(token)])
        } catch {
            throw RPCError(description: "session.login: \(error)")
        }
    }
}

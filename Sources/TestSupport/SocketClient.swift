import Foundation
import JSONKit

/// A blocking newline-delimited JSON-RPC client over a Unix socket, for tests.
public final class SocketClient: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []
    private var nextID = 0

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// A client on an already connected descriptor (e.g. one end of a socketpair).
    public init(connected fd: Int32) {
        self.fd = fd
    }

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect: \(errno)")
        }
    }

    public func close() { Glibc.close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write: \(errno)") }
            offset += written
        }
    }

    /// The next line from the server as JSON, or nil at end of stream.
    public func readMessage() throws -> JSON? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.isEmpty { continue }
                return try JSON.parse(line)
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return nil }
            buffer += chunk[0..<count]
        }
    }

    /// Calls `method` and returns the whole reply object (`result` or `error`).
    public func request(_ method: String, _ params: JSON = .object([:])) throws -> JSON {
        nextID += 1
        let message: JSON = ["jsonrpc": "2.0", "id": .int(nextID), "method": .string(method), "params": params]
        try send(message.serialized() + [0x0A])
        while let reply = try readMessage() {
            if reply["id"] == .int(nextID) { return reply }
        }
        throw Failure(description: "connection closed before the reply to \(method)")
    }

    /// Calls `method` and returns its result, throwing if the reply is an error.
    public func call(_ method: String, _ params: JSON = .object([:])) throws -> JSON {
        let reply = try request(method, params)
        guard let result = reply["result"] else { throw Failure(description: "\(method) failed: \(reply.text)") }
        return result
    }
}

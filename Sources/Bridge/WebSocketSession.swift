import CRMAPI
import HTTP
import JSONRPC
import Synchronization

/// A WebSocket at `GET /rpc` (RFC 6455): each text message is one JSON-RPC message or batch,
/// answered by a text message; what the server pushes (events, notifications) comes as text
/// messages between the replies. The connection acts as the user of the token it was opened
/// with, through the same handler as the socket.
struct WebSocketSession {
    /// Replies waiting past this many bytes are written at once.
    static let flushThreshold = 64 << 10

    let socket: ClientSocket
    let handler: CRMHandler
    let configuration: BridgeConfiguration

    func run(token: String, buffered: [UInt8]) {
        let sink = WebSocketSink(socket: socket)
        let channel = RPCMessageChannel(handler: handler, sink: sink)
        if let refusal = handler.admit(channel.connection, token: token) ?? channel.open() {
            sink.close(code: 1008, reason: refusal.message)
            channel.close()
            return
        }
        defer { channel.close() }
        var reader = WebSocketReader(maxMessageBytes: configuration.maxBodyBytes)
        reader.append(buffered)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: HTTPConnection.readSize, alignment: 16)
        defer { buffer.deallocate() }
        var partialSince: ContinuousClock.Instant?
        // The replies to every message of one read go out in one write, as on the socket.
        var replies: [UInt8] = []
        while true {
            while let event = reader.next() {
                partialSince = nil
                switch event {
                case .text(let message):
                    if let reply = channel.answer(message) {
                        WebSocketFrame.append(.text, reply, to: &replies)
                        if replies.count >= Self.flushThreshold {
                            guard sink.send(frames: replies) else { return }
                            replies.removeAll(keepingCapacity: replies.capacity <= 1 << 20)
                        }
                    }
                case .binary:
                    _ = sink.send(frames: replies)
                    sink.close(code: 1003, reason: "send JSON-RPC as text messages")
                    return
                case .ping(let payload):
                    WebSocketFrame.append(.pong, payload, to: &replies)
                case .pong:
                    break
                case .close(let code, _):
                    _ = sink.send(frames: replies)
                    // Echo the peer's code (a close without one is answered 1000).
                    sink.close(code: code ?? 1000, reason: "")
                    return
                case .failed(let code, let reason):
                    _ = sink.send(frames: replies)
                    sink.close(code: code, reason: reason)
                    return
                }
                // A stop lets the replies so far be written, then closes (below).
                if socket.isStopRequested { break }
            }
            if !replies.isEmpty {
                guard sink.send(frames: replies) else { return }
                replies.removeAll(keepingCapacity: replies.capacity <= 1 << 20)
            }
            if socket.isStopRequested {
                sink.close(code: 1001, reason: "the server is stopping")
                return
            }
            if reader.hasPartialFrame && partialSince == nil { partialSince = .now }
            switch socket.read(into: buffer, deadline: partialSince.map { $0 + configuration.requestTimeout }) {
            case .bytes(let count):
                reader.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .timedOut:
                sink.close(code: 1008, reason: "the message took too long to arrive")
                return
            case .stopped:
                sink.close(code: 1001, reason: "the server is stopping")
                return
            case .end:
                return
            }
        }
    }
}

/// Writes frames to one WebSocket, one at a time: the replies of the connection's thread and
/// the notifications other threads push.
final class WebSocketSink: RPCMessageSink {
    let socket: ClientSocket
    private let state = Mutex((closed: false, broken: false))

    init(socket: ClientSocket) {
        self.socket = socket
    }

    var transportName: String { "websocket" }

    func send(message: [UInt8]) -> Bool {
        send(.text, message)
    }

    /// Sends one frame; false once the socket cannot be written or a close was sent.
    func send(_ opcode: WebSocketOpcode, _ payload: [UInt8]) -> Bool {
        send(frames: WebSocketFrame.encode(opcode, payload))
    }

    /// Sends frames already encoded, in one write.
    func send(frames: [UInt8]) -> Bool {
        guard !frames.isEmpty else { return true }
        return state.withLock { state in
            guard !state.closed, !state.broken else { return false }
            if !socket.write(frames) { state.broken = true }
            return !state.broken
        }
    }

    /// Sends the close frame (once); nothing is sent after it.
    func close(code: UInt16, reason: String) {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            if !state.broken { _ = socket.write(WebSocketFrame.close(code: code, reason: reason)) }
        }
    }
}

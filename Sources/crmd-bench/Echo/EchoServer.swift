#if canImport(Glibc)
import Glibc
#endif

/// `crmd-bench echo`: the transport's limit. Accepts clients on a Unix socket, one thread
/// each; for every complete line of a chunk read, answers
/// `{"jsonrpc":"2.0","id":<id as sent>,"result":null}`, all the answers of one chunk in one
/// `write(2)`. It parses nothing but the position of the top-level `id`; a line without one
/// (a notification) gets no answer.
enum EchoServer {
    static let usage = """
        crmd-bench echo --socket PATH
          runs until killed (SIGTERM/SIGINT); the socket file is replaced if stale.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket"])
        let path = try options.required("socket")
        signal(SIGPIPE, SIG_IGN)
        let listener = try UnixSocket.listen(path: path)
        Format.warn("crmd-bench echo: listening on \(path)")
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE { continue }
                throw SystemError("accept")
            }
            OSThread { serve(client) }.detach()
        }
    }

    private static let replyHead = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    private static let replyTail = Array(#","result":null}"#.utf8 + [0x0A])

    static func serve(_ fd: Int32) {
        defer { close(fd) }
        let input = ByteBuffer(capacity: 256 << 10)
        let output = ByteBuffer(capacity: 64 << 10)
        while true {
            let tail = input.writableTail(minimum: 64 << 10)
            let n = UnixSocket.readSome(fd, tail, input.freeSpace)
            guard n > 0 else { return }
            let base = input.base
            var searchFrom = input.count
            input.count += n
            var lineStart = 0
            output.clear()
            while searchFrom < input.count, let newline = memchr(base + searchFrom, 0x0A, input.count - searchFrom) {
                let lineEnd = newline.assumingMemoryBound(to: UInt8.self) - base
                let line = UnsafePointer(base + lineStart)
                let length = lineEnd - lineStart
                lineStart = lineEnd + 1
                searchFrom = lineStart
                guard length > 0 else { continue }
                let keys = MessageScanner.scan(line, length, idOnly: true)
                guard keys.hasID else { continue }
                output.append(replyHead)
                output.append(line + keys.idStart, keys.idEnd - keys.idStart)
                output.append(replyTail)
            }
            input.consume(lineStart)
            if output.count > 0 && !UnixSocket.writeAll(fd, output.base, output.count) { return }
        }
    }
}

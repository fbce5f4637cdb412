import JSONRPC
import Testing

/// The framer as a pure state machine, fed one byte at a time and in big chunks.
@Suite struct MessageFramerTests {
    enum Feeding: CaseIterable { case byteByByte, wholeChunk, threeByteChunks }

    /// Feeds `input` the given way and collects every event, then the one from `finish()`.
    func feed(_ input: String, limit: Int = 1 << 20, feeding: Feeding, finish: Bool = true)
        -> (events: [MessageFramer.Event], framer: MessageFramer)
    {
        var framer = MessageFramer(maxMessageSize: limit)
        var events: [MessageFramer.Event] = []
        let bytes = Array(input.utf8)
        let step = switch feeding { case .byteByByte: 1; case .wholeChunk: max(1, bytes.count); case .threeByteChunks: 3 }
        var offset = 0
        while offset < bytes.count {
            framer.append(Array(bytes[offset..<min(offset + step, bytes.count)]))
            offset += step
            while let event = framer.next() { events.append(event) }
        }
        if finish, let last = framer.finish() { events.append(last) }
        return (events, framer)
    }

    func message(_ text: String) -> MessageFramer.Event { .message(Array(text.utf8)) }

    @Test(arguments: Feeding.allCases)
    func newlineDelimited(feeding: Feeding) {
        let input = "{\"a\":1}\n\n  \r\n[1,2]\r\n{\"b\":\"x\\ny\"}\n   \n"
        let (events, framer) = feed(input, feeding: feeding)
        #expect(events == [message("{\"a\":1}"), message("[1,2]"), message("{\"b\":\"x\\ny\"}")])
        #expect(framer.framing == .newlineDelimited)
    }

    @Test(arguments: Feeding.allCases)
    func lastLineWithoutNewlineIsDeliveredAtFinish(feeding: Feeding) {
        #expect(feed("{\"a\":1}\n{\"b\":2}", feeding: feeding).events == [message("{\"a\":1}"), message("{\"b\":2}")])
        #expect(feed("{\"a\":1}\n{\"b\":2}", feeding: feeding, finish: false).events == [message("{\"a\":1}")])
    }

    @Test(arguments: Feeding.allCases)
    func contentLength(feeding: Feeding) {
        let first = "{\"jsonrpc\":\"2.0\",\n\"id\":1}"
        let second = "[\n]"
        let input = "Content-Length: \(first.utf8.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n\(first)"
            + "content-length:\(second.utf8.count)\r\n\r\n\(second)"
            + "CONTENT-LENGTH:   2  \r\n\r\n{}"
        let (events, framer) = feed(input, feeding: feeding)
        #expect(events == [message(first), message(second), message("{}")])
        #expect(framer.framing == .contentLength)
    }

    @Test(arguments: Feeding.allCases)
    func contentLengthAfterLeadingWhitespaceAndZeroLength(feeding: Feeding) {
        let (events, _) = feed("\r\n  Content-Length: 0\r\n\r\nContent-Length: 1\n\n7", feeding: feeding)
        #expect(events == [message(""), message("7")])
    }

    @Test(arguments: Feeding.allCases)
    func incompleteFrameIsDroppedAtFinish(feeding: Feeding) {
        let (events, framer) = feed("Content-Length: 10\r\n\r\n{\"a\":", feeding: feeding)
        #expect(events.isEmpty)
        #expect(framer.isStopped)
    }

    @Test func detectionWaitsForEnoughBytes() {
        var framer = MessageFramer(maxMessageSize: 100)
        framer.append(Array("  Content-Len".utf8))
        #expect(framer.next() == nil)
        #expect(framer.framing == nil)
        framer.append(Array("gth: 2\r\n\r\n[]".utf8))
        #expect(framer.next() == message("[]"))
        #expect(framer.framing == .contentLength)

        var lines = MessageFramer(maxMessageSize: 100)
        lines.append(Array("Cont".utf8))
        #expect(lines.next() == nil)
        lines.append(Array("ent\n".utf8))
        #expect(lines.next() == message("Content"))
        #expect(lines.framing == .newlineDelimited)

        var json = MessageFramer(maxMessageSize: 100)
        json.append(Array("{".utf8))
        #expect(json.next() == nil)
        #expect(json.framing == .newlineDelimited)
    }

    @Test(arguments: Feeding.allCases)
    func oversizedLineIsSkippedAndTheStreamGoesOn(feeding: Feeding) {
        let long = String(repeating: "x", count: 40)
        let input = "[1]\n\(long)\n[2]\r\n\(long)\r\n\(String(repeating: "y", count: 16))\r\n\(long)"
        let (events, _) = feed(input, limit: 16, feeding: feeding)
        #expect(events == [
            message("[1]"), .skipped(.messageTooLarge(limit: 16)), message("[2]"),
            .skipped(.messageTooLarge(limit: 16)), message(String(repeating: "y", count: 16)),
            .skipped(.messageTooLarge(limit: 16)),
        ])
    }

    /// What the partial-message timeout measures: every byte of the message under way, also
    /// those already consumed as its headers or as the skipped part of an oversized line.
    @Test(arguments: Feeding.allCases)
    func pendingMessageBytesCoverConsumedHeadersAndSkippedLines(feeding: Feeding) {
        var (events, framer) = feed("Content-Length: 10\r\n\r\n", feeding: feeding, finish: false)
        #expect(events.isEmpty)
        #expect(framer.bufferedByteCount == 0)
        #expect(framer.pendingMessageBytes == 22)
        framer.append(Array("[1,2,".utf8))
        #expect(framer.next() == nil)
        #expect(framer.pendingMessageBytes == 27)
        framer.append(Array("3,45]".utf8))
        #expect(framer.next() == message("[1,2,3,45]"))
        #expect(framer.pendingMessageBytes == 0)

        (events, framer) = feed(String(repeating: "x", count: 3000), limit: 1024, feeding: feeding, finish: false)
        #expect(events == [.skipped(.messageTooLarge(limit: 1024))])
        #expect(framer.pendingMessageBytes == 3000)
        framer.append(Array("x\n".utf8))
        #expect(framer.next() == nil)
        #expect(framer.pendingMessageBytes == 0)
    }

    @Test func oversizedLineIsNotBuffered() {
        var framer = MessageFramer(maxMessageSize: 1024)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var skipped = 0
        for _ in 0..<160 {
            framer.append(chunk)
            while let event = framer.next() {
                #expect(event == .skipped(.messageTooLarge(limit: 1024)))
                skipped += 1
            }
            #expect(framer.bufferedByteCount <= 1024 + 1)
        }
        framer.append(Array("tail\n[3]\n".utf8))
        #expect(framer.next() == message("[3]"))
        #expect(skipped == 1)
    }

    @Test(arguments: Feeding.allCases)
    func oversizedFrameFailsTheStream(feeding: Feeding) {
        let (events, framer) = feed("Content-Length: 17\r\n\r\n" + String(repeating: "x", count: 17) + "Content-Length: 2\r\n\r\n{}",
                                      limit: 16, feeding: feeding)
        #expect(events == [.failed(.messageTooLarge(limit: 16))])
        #expect(framer.isStopped)
    }

    @Test func hugeContentLengthDoesNotOverflow() {
        let (events, _) = feed("Content-Length: 99999999999999999999999999999\r\n\r\n", limit: 16, feeding: .wholeChunk)
        #expect(events == [.failed(.messageTooLarge(limit: 16))])
    }

    @Test(arguments: [
        "Content-Length: abc\r\n\r\n",
        "Content-Length: -1\r\n\r\n",
        "Content-Length: 1 2\r\n\r\n",
        "Content-Length:\r\n\r\n",
        "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        "Content-Length: 2\r\nno colon here\r\n\r\n{}",
        "Content-Length: 2\r\n bad name: 1\r\n\r\n{}",
    ])
    func malformedHeadersFailTheStream(input: String) {
        for feeding in Feeding.allCases {
            let (events, framer) = feed(input + "[1]\n", feeding: feeding)
            #expect(events.count == 1)
            guard case .failed(.malformedHeader)? = events.first else {
                Issue.record("expected a malformed header failure, got \(events)")
                continue
            }
            #expect(framer.isStopped)
        }
    }

    @Test func endlessHeadersFailTheStream() {
        var framer = MessageFramer(maxMessageSize: 1 << 20)
        framer.append(Array("Content-Length: 2\r\n".utf8))
        var result: MessageFramer.Event?
        for _ in 0..<2000 where result == nil {
            framer.append(Array("X-Padding: 0123456789\r\n".utf8))
            result = framer.next()
        }
        guard case .failed(.malformedHeader)? = result else {
            Issue.record("expected a malformed header failure, got \(String(describing: result))")
            return
        }
    }

    /// A frame whose header block (blank line included) is `size` bytes long.
    func frame(headerBlockSize size: Int) -> String {
        let fixed = "Content-Length: 2\r\nX-Padding: \r\n\r\n".utf8.count
        return "Content-Length: 2\r\nX-Padding: \(String(repeating: "p", count: size - fixed))\r\n\r\n{}"
    }

    @Test(arguments: Feeding.allCases)
    func headerLimitHoldsHoweverTheBytesArrive(feeding: Feeding) {
        #expect(feed(frame(headerBlockSize: MessageFramer.maxHeaderSize), feeding: feeding).events == [message("{}")])
        let (events, framer) = feed(frame(headerBlockSize: MessageFramer.maxHeaderSize + 1), feeding: feeding)
        #expect(events == [.failed(.malformedHeader("headers longer than \(MessageFramer.maxHeaderSize) bytes"))])
        #expect(framer.isStopped)
    }

    @Test func headerLimitHoldsForTheFramesAfterTheFirst() {
        var framer = MessageFramer(maxMessageSize: 1 << 20)
        framer.append(Array((frame(headerBlockSize: 100) + frame(headerBlockSize: MessageFramer.maxHeaderSize + 1)).utf8))
        #expect(framer.next() == message("{}"))
        guard case .failed(.malformedHeader)? = framer.next() else {
            Issue.record("the second frame's headers were accepted")
            return
        }
    }

    @Test func garbageBytesAreMessages() {
        let garbage: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x0A, 0x80, 0x0D, 0x0A]
        var framer = MessageFramer(maxMessageSize: 100)
        framer.append(garbage)
        #expect(framer.next() == .message([0xFF, 0x00, 0xC3, 0x28]))
        #expect(framer.next() == .message([0x80]))
        #expect(framer.next() == nil)
    }

    @Test func framing() {
        var out: [UInt8] = []
        MessageFramer.frame(Array("{}".utf8), as: .newlineDelimited, into: &out)
        MessageFramer.frame(Array("[1]".utf8), as: .contentLength, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "{}\nContent-Length: 3\r\n\r\n[1]")
    }
}

/// How long a socket connection waits for input: the idle timeout while no message has begun,
/// the partial message timeout from the moment one began until it is complete. A pure state
/// machine, kept by the connection's own thread.
///
/// A message is identified by the stream offset of its first byte still held by the framer
/// (bytes read so far minus the bytes held): while that offset stays the same, the same message
/// is incomplete and its deadline stays put, however its bytes trickle in; once it changes, an
/// earlier message was completed and the new one gets a full timeout. So a client cannot keep
/// one message open by sending a byte now and then, while a client pipelining complete
/// messages (each chunk ending inside the next one) is never cut off.
struct ReadDeadline: Sendable {
    enum Kind: Sendable, Equatable {
        /// Nothing begun: the connection closes without a word.
        case idle
        /// A message begun and not completed: the client is told why before the close.
        case partialMessage
    }

    let idleTimeout: Duration?
    let partialMessageTimeout: Duration?
    /// Bytes read from the connection so far.
    private var received = 0
    private var pending: (offset: Int, since: ContinuousClock.Instant)?

    init(idleTimeout: Duration?, partialMessageTimeout: Duration?) {
        self.idleTimeout = idleTimeout
        self.partialMessageTimeout = partialMessageTimeout
    }

    /// Counts bytes just read.
    mutating func record(received count: Int) {
        if count > 0 { received += count }
    }

    /// When the wait for input that starts `now` gives up, and why; nil: never. `pendingBytes`
    /// is what the framer holds of a message that is not complete yet.
    mutating func next(pendingBytes: Int, now: ContinuousClock.Instant) -> (deadline: ContinuousClock.Instant, kind: Kind)? {
        guard pendingBytes > 0 else {
            pending = nil
            return idleTimeout.map { (now + $0, .idle) }
        }
        let offset = received - pendingBytes
        if pending?.offset != offset { pending = (offset, now) }
        guard let partialMessageTimeout, let since = pending?.since else { return nil }
        return (since + partialMessageTimeout, .partialMessage)
    }
}

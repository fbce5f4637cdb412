/// The socket connections open, in total and per user (the peer's uid), held against the
/// server's limits: a connection is counted when admitted and released when it ends.
struct ConnectionCount: Sendable {
    private(set) var total = 0
    private var perUser: [UInt32: Int] = [:]

    /// Counts a new connection of `user` (nil: unknown, counted in the total only), or returns
    /// the error that refuses it.
    mutating func admit(user: UInt32?, maxTotal: Int, maxPerUser: Int) -> RPCError? {
        if total >= maxTotal { return .tooManyConnections(limit: maxTotal, scope: .total) }
        if let user {
            let count = perUser[user, default: 0]
            if count >= maxPerUser { return .tooManyConnections(limit: maxPerUser, scope: .user) }
            perUser[user] = count + 1
        }
        total += 1
        return nil
    }

    /// Releases a connection admitted for `user`.
    mutating func release(user: UInt32?) {
        total -= 1
        guard let user, let count = perUser[user] else { return }
        perUser[user] = count > 1 ? count - 1 : nil
    }
}

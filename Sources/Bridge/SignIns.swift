import Synchronization

/// Browser sign-ins (`POST /login`): a random session id, sent as an `HttpOnly; SameSite=Strict`
/// cookie, stands for the API token it was made with, in memory only — a restart signs
/// everyone out, and the token itself never reaches the page's script.
final class SignIns: Sendable {
    static let cookieName = "crmd_session"

    private struct Entry {
        let token: String
        var lastUse: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])
    /// Sign-ins kept at most; the least recently used go first beyond it.
    private static let limit = 10_000

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// A new session id for `token`.
    func add(token: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= Self.limit {
                entries = entries.filter { now - $0.value.lastUse < lifetime }
                if entries.count >= Self.limit, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                    entries.removeValue(forKey: oldest.key)
                }
            }
            entries[id] = Entry(token: token, lastUse: now)
        }
        return id
    }

    /// The token a session id stands for; nil when unknown or unused past its lifetime.
    func token(for id: String) -> String? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard var entry = entries[id] else { return nil }
            guard now - entry.lastUse < lifetime else {
                entries.removeValue(forKey: id)
                return nil
            }
            entry.lastUse = now
            entries[id] = entry
            return entry.token
        }
    }

    func remove(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

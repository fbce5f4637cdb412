import CRM
import Synchronization

/// The sessions of the 1C site exchange, by the cookie value `checkauth` gave: who each acts as,
/// what its last `query` sent (what `success` acknowledges), and the files it uploaded and has not
/// imported yet. Bounded: at most `maxSessions`, each forgotten after `sessionIdleSeconds` unused,
/// uploads within `uploadLimit` per session and `totalUploadLimit` in all.
///
/// Thread safety: the table lives behind one mutex, held only to read or change it; a session
/// dropped (expired, evicted) is released after the lock, so closing its caller never runs in it.
final class OneCSessions: Sendable {
    struct Session {
        let caller: BridgeCaller
        let sessid: String
        /// When it was last used, in clock seconds: for expiry.
        var usedAt: Int64
        /// The place of its last use among the uses of all sessions: for eviction (seconds tie).
        var useOrder: UInt64
        /// The event seq up to which this session's last `query` exported invoices.
        var sent: Int64?
        var uploads: [OneCFileName: [UInt8]] = [:]

        var uploadBytes: Int { uploads.values.reduce(0) { $0 + $1.count } }
    }

    /// A session as a request finds it: its cookie value, who it acts as, its `sessid`.
    struct Handle {
        let cookie: String
        let caller: BridgeCaller
        let sessid: String
    }

    private struct Table {
        var sessions: [String: Session] = [:]
        var uses: UInt64 = 0

        mutating func nextUse() -> UInt64 {
            uses += 1
            return uses
        }
    }

    private let table = Mutex(Table())
    private let limits: OneCExchangeLimits
    private let clock: any Clock

    init(limits: OneCExchangeLimits, clock: any Clock) {
        self.limits = limits
        self.clock = clock
    }

    /// A new session acting as `caller`: its cookie value (64 hex digits of the system's random
    /// source) and its `sessid`. Expired sessions go first, then, while full, the one used longest ago.
    func open(_ caller: BridgeCaller) -> (cookie: String, sessid: String) {
        let cookie = Self.randomHex(bytes: 32), sessid = Self.randomHex(bytes: 16)
        _ = table.withLock { table -> [Session] in
            var dropped = removeExpired(&table.sessions)
            while table.sessions.count >= max(limits.maxSessions, 1),
                  let oldest = table.sessions.min(by: { $0.value.useOrder < $1.value.useOrder })?.key {
                if let session = table.sessions.removeValue(forKey: oldest) { dropped.append(session) }
            }
            table.sessions[cookie] = Session(caller: caller, sessid: sessid, usedAt: clock.now(), useOrder: table.nextUse())
            return dropped
        }
        return (cookie, sessid)
    }

    /// The session of `cookie`, marked used now; nil when there is none or it expired.
    func use(_ cookie: String) -> Handle? {
        let (found, _) = table.withLock { table -> (Handle?, [Session]) in
            let dropped = removeExpired(&table.sessions)
            guard var session = table.sessions[cookie] else { return (nil, dropped) }
            session.usedAt = clock.now()
            session.useOrder = table.nextUse()
            table.sessions[cookie] = session
            return (Handle(cookie: cookie, caller: session.caller, sessid: session.sessid), dropped)
        }
        return found
    }

    /// A new exchange begins (`init`): the session's uploads not imported are dropped.
    func dropUploads(_ cookie: String) {
        table.withLock { $0.sessions[cookie]?.uploads = [:] }
    }

    /// Records that this session's `query` exported up to event seq `until`.
    func recordSent(_ cookie: String, until: Int64) {
        table.withLock { $0.sessions[cookie]?.sent = until }
    }

    /// The event seq this session's last `query` exported up to, if it made one.
    func sent(_ cookie: String) -> Int64? {
        table.withLock { $0.sessions[cookie]?.sent }
    }

    /// Appends `chunk` to upload `file` of the session; refused past the upload limits.
    func append(_ chunk: [UInt8], to file: OneCFileName, of cookie: String) throws(OneCFailure) {
        let problem = table.withLock { table -> String? in
            let sessions = table.sessions
            guard let session = sessions[cookie] else { return "the exchange session has ended; 1C signs in again (checkauth)" }
            let held = session.uploadBytes
            if held + chunk.count > limits.uploadLimit {
                return "the files uploaded in this session would exceed \(limits.uploadLimit) bytes"
            }
            let total = sessions.values.reduce(0) { $0 + $1.uploadBytes }
            if total + chunk.count > limits.totalUploadLimit {
                return "the exchange holds too many uploaded files not yet imported; try again later"
            }
            table.sessions[cookie]?.uploads[file, default: []].append(contentsOf: chunk)
            return nil
        }
        if let problem { throw OneCFailure(problem) }
    }

    /// Upload `file` of the session, removed from it; nil when it was not uploaded.
    func take(_ file: OneCFileName, of cookie: String) -> [UInt8]? {
        table.withLock { $0.sessions[cookie]?.uploads.removeValue(forKey: file) }
    }

    /// Removes the sessions unused for `sessionIdleSeconds`, returning them to be released.
    private func removeExpired(_ sessions: inout [String: Session]) -> [Session] {
        let now = clock.now()
        let expired = sessions.filter { now - $0.value.usedAt >= limits.sessionIdleSeconds }
        for key in expired.keys { sessions[key] = nil }
        return Array(expired.values)
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for _ in 0..<count {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
        }
        return String(decoding: text, as: UTF8.self)
    }
}

import Foundation
import Synchronization

/// The one source of "now" for everything time-based (timestamps, due dates, delayed robots),
/// injectable so tests never sleep.
package protocol Clock: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    func now() -> Int64
}

/// The machine's clock.
package struct SystemClock: Clock {
    package init() {}
    package func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// A clock that stands still until moved; for tests and for replaying scenarios.
package final class ManualClock: Clock {
    private let current: Mutex<Int64>
    package init(_ start: Int64) { current = Mutex(start) }
    package func now() -> Int64 { current.withLock { $0 } }
    package func advance(by seconds: Int64) { current.withLock { $0 += seconds } }
    package func set(_ seconds: Int64) { current.withLock { $0 = seconds } }
}

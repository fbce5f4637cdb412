import Foundation
import Synchronization

/// Where work that no caller waits for (delayed robots, outbox delivery) reports a failure it
/// has handled itself, such as a job marked failed over unreadable stored data. Lines go to
/// stderr, as the server's other diagnostics do, unless redirected (tests collect them).
package final class FaultLog: Sendable {
    private let sink: Mutex<@Sendable (String) -> Void>

    package init() { sink = Mutex(FaultLog.standardError) }

    package func report(_ message: String) {
        let write = sink.withLock { $0 }
        write(message)
    }

    /// Sends later reports to `sink` instead of stderr.
    package func redirect(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink.withLock { $0 = sink }
    }

    package static let standardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
    }
}

import Foundation
import Synchronization

/// The thread that delivers webhooks: woken when a write with changes commits and every second
/// (for retries that fall due), it runs `WebhookService.deliverDue` until nothing is left.
/// Errors are reported to `log` and retried on the next wake; nothing is lost, since a
/// webhook's cursor moves only once an event is delivered or given up on.
package final class WebhookDeliverer: Sendable {
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    package init(crm: CRM, log: @escaping @Sendable (String) -> Void) {
        crm.observeCommits(Wake(wake: wake))
        let webhooks = crm.webhooks
        Thread.detachNewThread { [self] in
            while !isStopped {
                do {
                    while try webhooks.deliverDue() > 0 && !isStopped {}
                } catch {
                    log("webhooks: \(error)")
                }
                _ = wake.wait(timeout: .now() + 1)
                // Commits that came meanwhile are one wake: the next pass reads all they wrote.
                while wake.wait(timeout: .now()) == .success {}
            }
            finished.signal()
        }
    }

    private struct Wake: ChangeObserver {
        let wake: DispatchSemaphore
        func changesCommitted(_ changes: [Change]) { wake.signal() }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Stops the thread and waits for its current pass to finish.
    package func stop() {
        stopped.withLock { $0 = true }
        wake.signal()
        finished.wait()
    }
}

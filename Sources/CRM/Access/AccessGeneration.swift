import Storage
import Synchronization

/// A counter raised whenever something a session's identity rests on changes (users,
/// departments, tokens, settings), so a session re-checks its identity on its next call only
/// then, and a call costs one atomic load otherwise.
///
/// It is raised inside the write (as a change listener) and again once the write is durable
/// (as a commit observer): a session that re-read the old rows in between sees the second raise.
package final class AccessGeneration: Sendable {
    private let counter = Atomic<UInt64>(0)

    package var value: UInt64 { counter.load(ordering: .acquiring) }

    func raise() { counter.add(1, ordering: .releasing) }

    static let watched: Set<ChangeEntity> = [.user, .department, .role, .token, .settings]
}

/// Raises the CRM's `AccessGeneration` on every change to what identities rest on.
struct AccessGenerationListener: ChangeListener, ChangeObserver {
    let generation: AccessGeneration

    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        if AccessGeneration.watched.contains(change.entity) { generation.raise() }
    }

    func changesCommitted(_ changes: [Change]) {
        if changes.contains(where: { AccessGeneration.watched.contains($0.entity) }) { generation.raise() }
    }
}

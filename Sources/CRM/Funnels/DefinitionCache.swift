import Storage
import Synchronization

/// Pipelines and custom-field definitions kept in memory for the write path, which asks for
/// them on every `add` and `update`. Only code running inside `DatabasePool.write` reads or
/// fills it, and every change to pipelines or custom fields clears it inside its own write,
/// so a writer always sees what its transaction sees.
package final class DefinitionCache: Sendable {
    private struct Entries {
        var pipelines: [EntityType: [Pipeline]] = [:]
        var customFields: [EntityType: [FieldDefinition]] = [:]
    }

    private let entries = Mutex(Entries())

    package init() {}

    func pipelines(_ db: Database, _ type: EntityType) throws -> [Pipeline] {
        if let cached = entries.withLock({ $0.pipelines[type] }) { return cached }
        let loaded = try PipelineStore.all(db, type)
        entries.withLock { $0.pipelines[type] = loaded }
        return loaded
    }

    func customFields(_ db: Database, _ type: EntityType) throws -> [FieldDefinition] {
        if let cached = entries.withLock({ $0.customFields[type] }) { return cached }
        let loaded = try CustomFieldService.definitions(db, type)
        entries.withLock { $0.customFields[type] = loaded }
        return loaded
    }

    /// Called by every write that changes pipelines, stages or custom fields.
    func invalidate() { entries.withLock { $0 = Entries() } }
}

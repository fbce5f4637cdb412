import Storage

/// Clears the cached pipelines and custom fields when either changes, inside the change's
/// own write, so the writer always sees what its transaction sees.
struct DefinitionListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        switch change.entity {
        case .pipeline, .stage, .field: crm.definitions.invalidate()
        default: break
        }
    }
}

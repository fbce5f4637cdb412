import Storage

/// Keeps the data derived from records and requisites beside them: the full-text index, the
/// normalized phones and e-mails, and the duplicate keys (names, INNs). On an update only the
/// parts whose source fields changed are rewritten.
struct IndexListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        if let record = change.record {
            let entity = record.type.descriptor
            switch change.operation {
            case .created:
                guard let after = change.after else { return }
                try RecordIndexes.write(db, entity, id: record.id, state: after)
            case .deleted:
                try RecordIndexes.remove(db, entity, id: record.id)
                try RecordIndexes.removeKeys(db, entity, id: record.id)
            default:
                guard let before = change.before, let after = change.after else { return }
                try RecordIndexes.update(db, entity, id: record.id, from: before, to: after, changed: change.fields.map(\.field))
            }
            return
        }
        if change.entity == .requisite, let owner = change.owner {
            try RequisiteStore.reindexINN(db, owner.type, owner.id)
            // A requisite moved from another record takes its INN key along.
            if let moved = change.fields.first(where: { $0.field == "entityId" }), let from = moved.old.int64Value {
                try RequisiteStore.reindexINN(db, owner.type, from)
            }
        }
    }
}

/// Runs the robots of a stage when a record is created in it or moves into it, and those of an
/// invoice status when an invoice's status becomes it.
struct AutomationListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        if change.entity == .invoice, change.operation == .statusChanged, let id = change.id.int64Value,
           let status = change.fields.first(where: { $0.field == "status" })?.new.stringValue {
            return try AutomationEngine.invoiceStatusChanged(db, crm: crm, id: id, status: status)
        }
        guard change.operation == .created || change.operation == .stageMoved, let record = change.record,
              let after = change.after, let stageID = after.columns["stageId"]?.string, let pipelineID = after.columns["pipelineId"]?.int64
        else { return }
        try AutomationEngine.recordPlaced(db, crm: crm, entity: record.type, id: record.id, pipelineId: pipelineID, stageId: stageID,
                                          created: change.operation == .created)
    }
}

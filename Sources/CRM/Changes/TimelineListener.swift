import JSONKit
import Storage

/// Writes the timeline: each change becomes the entries it means on the records it touches
/// (a requisite shows on its company, an invoice's status on the invoice and its deal).
struct TimelineListener: ChangeListener {
    /// Fields that follow a stage move and are told by `from`/`to` rather than as changes.
    static let derivedFields: Set<String> = ["stageId", "pipelineId", "stageSemantic", "closedAt"]

    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        for entry in Self.entries(for: change) {
            try TimelineStore.append(db, entry.record, entry.kind, author: change.caller.userID, at: change.at,
                                     data: .object(entry.data))
        }
    }

    struct Entry {
        let record: RecordRef
        let kind: TimelineService.Kind
        let data: [String: JSON]
    }

    /// The entries a change writes.
    static func entries(for change: Change) -> [Entry] {
        if let record = change.record { return recordEntries(change, record) }
        if change.entity == .activity { return activityEntries(change) }
        guard let owner = change.owner else { return [] }
        var data = change.data
        switch change.entity {
        case .requisite:
            data["action"] = .string(action(change.operation))
            data["requisiteId"] = change.id
            if change.operation == .updated, !change.fields.isEmpty { data["changes"] = .array(change.fields.map(\.json)) }
            return [Entry(record: owner, kind: .requisite, data: data)]
        case .bankDetail:
            let verb = action(change.operation)
            data["action"] = .string("bankDetail" + verb.prefix(1).uppercased() + verb.dropFirst())
            data["bankDetailId"] = change.id
            if change.operation == .updated, !change.fields.isEmpty { data["changes"] = .array(change.fields.map(\.json)) }
            return [Entry(record: owner, kind: .requisite, data: data)]
        case .productRows:
            return [Entry(record: owner, kind: .updated, data: ["changes": .array(change.fields.map(\.json))])]
        case .publicLink:
            data["document"] = "publicLink"
            data["action"] = .string(change.operation == .revoked ? "revoked" : "created")
            return [Entry(record: owner, kind: .document, data: data)]
        case .payment:
            // A payment is told by the status change it makes on its invoice.
            return []
        case .lead, .contact, .company, .deal, .product, .invoice, .settings, .pipeline, .stage, .field, .template, .automation, .user, .department,
             .role, .token, .webhook, .activity, .resource, .calendar, .sms, .bankPayment, .exchange:
            return []
        case .invoiceDocument:
            data["action"] = "attached"
            data["documentId"] = change.id
            return [Entry(record: owner, kind: .document, data: data)]
        }
    }

    /// An activity's change, on every record it is (or was, until this change) bound to.
    private static func activityEntries(_ change: Change) -> [Entry] {
        var data = change.data
        data["action"] = .string(change.operation.rawValue)
        data.removeValue(forKey: "bindings")
        if !change.fields.isEmpty { data["changes"] = .array(change.fields.map(\.json)) }
        return (change.data["bindings"]?.arrayValue ?? []).compactMap { binding in
            guard let type = binding["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let id = binding["id"]?.int64Value else {
                return nil
            }
            return Entry(record: RecordRef(type, id), kind: .activity, data: data)
        }
    }

    private static func recordEntries(_ change: Change, _ record: RecordRef) -> [Entry] {
        var entries: [Entry] = []
        func add(_ kind: TimelineService.Kind, _ data: [String: JSON]) { entries.append(Entry(record: record, kind: kind, data: data)) }
        switch change.operation {
        case .created:
            // An invoice is also a document made on its deal.
            add(.created, change.data.filter { $0.key != "document" })
            if let owner = change.owner, let document = change.data["document"]?.objectValue {
                entries.append(Entry(record: owner, kind: .document, data: document))
            }
        case .updated:
            let changes = change.fields.filter { !derivedFields.contains($0.field) }
            if !changes.isEmpty || change.data["reason"] != nil {
                var data = change.data
                data["changes"] = .array(changes.map(\.json))
                add(.updated, data)
            }
        case .stageMoved:
            var data = change.data
            let changes = change.fields.filter { !derivedFields.contains($0.field) }
            if !changes.isEmpty { data["changes"] = .array(changes.map(\.json)) }
            add(.stageChanged, data)
        case .statusChanged:
            let status = change.fields.first { $0.field == "status" }
            add(.updated, ["changes": .array(status.map { [$0.json] } ?? [])])
            if let owner = change.owner {
                var data: [String: JSON] = ["field": "status", "from": status?.old ?? .null, "to": status?.new ?? .null, "invoiceId": change.id]
                for (key, value) in change.data { data[key] = value }
                entries.append(Entry(record: owner, kind: .document, data: data))
            }
        case .deleted:
            add(.deleted, change.data)
        case .converted:
            add(.converted, change.data)
        case .merged:
            add(.merged, change.data)
        case .commented:
            add(.comment, change.data)
        case .queued:
            add(.message, change.data)
            if let owner = change.owner { entries.append(Entry(record: owner, kind: .message, data: change.data)) }
        case .delivered, .failed:
            var data = change.data
            // A text message accepted by its gateway is `sent` (`delivered` is the phone's report).
            if data["status"] == nil { data["status"] = .string(change.operation.rawValue) }
            add(.message, data)
        case .revoked:
            add(.document, change.data)
        case .moved, .completed, .cancelled:
            add(.updated, change.data)
        }
        return entries
    }

    /// How requisite entries name what happened: `added`, `updated`, `deleted`.
    private static func action(_ operation: ChangeOperation) -> String {
        operation == .created ? "added" : operation.rawValue
    }
}

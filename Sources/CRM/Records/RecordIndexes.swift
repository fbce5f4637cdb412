import JSONKit
import Storage

/// The secondary indexes kept beside every record, in the same transaction as the record:
/// the full-text index (`<table>_fts`) and the normalized phone and e-mail keys
/// (`communications`) used by filters and duplicate search. This decides what they hold;
/// `RecordIndexStore` writes them.
enum RecordIndexes {
    static func write(_ db: Database, _ entity: EntityDescriptor, id: Int64, state: RecordState) throws {
        // Phones and e-mails are read and keyed once, for the search text and their own rows.
        let communications = communications(entity, state)
        let store = RecordIndexStore(entity: entity)
        try store.insertSearch(db, id: id, text: searchText(entity, state, communications))
        try store.insertText(db, id: id, folded: foldedText(entity, state))
        try writeTitleKey(db, entity, id: id, state: state)
        try writeCommunications(db, entity, id: id, communications)
    }

    /// Rewrites only what the `changed` fields feed: the search text, the title key, the phones
    /// and e-mails. A stage move or a date change touches none of them.
    static func update(_ db: Database, _ entity: EntityDescriptor, id: Int64, from old: RecordState, to new: RecordState,
                       changed: [String]) throws {
        var search = false, title = false, communications = false, text = false
        for name in changed {
            if name.hasPrefix("custom.") {
                search = search || isText(old.custom[String(name.dropFirst(7))]) || isText(new.custom[String(name.dropFirst(7))])
                continue
            }
            guard let field = entity.field(name) else { continue }
            search = search || field.isSearchable
            text = text || entity.foldedFields.contains { $0.name == name }
            communications = communications || field.kind == .phones || field.kind == .emails
            title = title || entity.hooks.titleKey?.fields.contains(name) == true
        }
        let store = RecordIndexStore(entity: entity)
        if search {
            try store.deleteSearch(db, id: id)
            try store.insertSearch(db, id: id, text: searchText(entity, new, RecordIndexes.communications(entity, new)))
        }
        if text {
            try store.updateText(db, id: id, folded: foldedText(entity, new))
        }
        if title {
            try store.deleteTitleKey(db, id: id)
            try writeTitleKey(db, entity, id: id, state: new)
        }
        if communications {
            try store.deleteCommunications(db, id: id)
            try writeCommunications(db, entity, id: id, RecordIndexes.communications(entity, new))
        }
    }

    static func remove(_ db: Database, _ entity: EntityDescriptor, id: Int64) throws {
        let store = RecordIndexStore(entity: entity)
        try store.deleteSearch(db, id: id)
        try store.deleteText(db, id: id)
        try store.deleteCommunications(db, id: id)
        try store.deleteTitleKey(db, id: id)
    }

    /// Drops every duplicate key of a deleted record (its INNs included).
    static func removeKeys(_ db: Database, _ entity: EntityDescriptor, id: Int64) throws {
        try RecordIndexStore(entity: entity).deleteKeys(db, id: id)
    }

    private static func writeTitleKey(_ db: Database, _ entity: EntityDescriptor, id: Int64, state: RecordState) throws {
        guard let key = titleKey(entity, state) else { return }
        try RecordIndexStore(entity: entity).insertTitleKey(db, id: id, key: key)
    }

    private static func writeCommunications(_ db: Database, _ entity: EntityDescriptor, id: Int64,
                                            _ communications: [Communication]) throws {
        let store = RecordIndexStore(entity: entity)
        for item in communications {
            try store.insertCommunication(db, id: id, kind: item.isPhone ? "phone" : "email", value: item.value, normalized: item.key)
        }
    }

    /// A phone or e-mail of a record as typed, with its key (`ContactKeys`).
    struct Communication {
        let field: String
        let isPhone: Bool
        let value: String
        let key: String
    }

    /// The record's phones and e-mails, field by field in the entity's order.
    static func communications(_ entity: EntityDescriptor, _ state: RecordState) -> [Communication] {
        var result: [Communication] = []
        for field in entity.fields where field.kind == .phones || field.kind == .emails {
            let isPhone = field.kind == .phones
            for value in values(state, field) {
                result.append(Communication(field: field.name, isPhone: isPhone, value: value,
                                            key: isPhone ? ContactKeys.phone(value) : ContactKeys.email(value)))
            }
        }
        return result
    }

    private static func isText(_ value: JSON?) -> Bool {
        if case .string? = value { return true }
        return false
    }

    /// The name key duplicate search uses, as the entity's descriptor makes it.
    static func titleKey(_ entity: EntityDescriptor, _ state: RecordState) -> String? {
        entity.hooks.titleKey?.make(state)
    }

    /// The free-text columns as `%` contains compares them: folded, in the order of
    /// `entity.foldedFields`; what is not text is kept as stored, as `crm_fold` keeps it.
    static func foldedText(_ entity: EntityDescriptor, _ state: RecordState) -> [SQLValue] {
        entity.foldedFields.map { field in
            switch state.columns[field.name] {
            case .text(let text)?: .text(TextFolding.fold(text))
            case let value?: value
            case nil: .null
            }
        }
    }

    /// The text the full-text index holds: searchable fields, phones also as bare digits and
    /// in normalized form so that any way of typing a number finds it.
    static func searchText(_ entity: EntityDescriptor, _ state: RecordState, _ communications: [Communication]) -> String {
        var parts: [String] = []
        for field in entity.fields where field.isSearchable {
            switch field.kind {
            case .phones:
                for item in communications where item.field == field.name {
                    let digits = String(item.key.filter(\.isASCIIDigit))
                    parts += [item.value, item.key, digits, String(digits.suffix(10))]
                }
            case .emails:
                parts += communications.lazy.filter { $0.field == field.name }.map(\.value)
            default:
                if let text = state.columns[field.name]?.string { parts.append(text) }
            }
        }
        for value in state.custom.values {
            if case .string(let text) = value { parts.append(text) }
        }
        return TextFolding.fold(parts.joined(separator: " "))
    }

    private static func values(_ state: RecordState, _ field: FieldDefinition) -> [String] {
        guard let text = state.columns[field.name]?.string, let list = JSONText.parse(text)?.arrayValue else { return [] }
        return list.compactMap { $0["value"]?.stringValue }
    }
}

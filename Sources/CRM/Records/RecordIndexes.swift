import JSONKit
import Storage

/// The secondary indexes kept beside every record, in the same transaction as the record:
/// the full-text index (`<table>_fts`) and the normalized phone and e-mail keys
/// (`communications`) used by filters and duplicate search.
enum RecordIndexes {
    static func write(_ db: Database, _ entity: EntityDescriptor, id: Int64, state: RecordState, replacing: Bool = false) throws {
        if replacing { try remove(db, entity, id: id) }
        try db.execute("INSERT INTO \(entity.searchTable) (rowid, body) VALUES (?, ?)", [.integer(id), .text(searchText(entity, state))])
        if let key = titleKey(entity, state) {
            try db.execute("INSERT INTO match_keys (entity_type, entity_id, kind, key) VALUES (?, ?, 'title', ?)",
                           [.text(entity.type.rawValue), .integer(id), .text(key)])
        }
        for field in entity.fields where field.kind == .phones || field.kind == .emails {
            let kind = field.kind == .phones ? "phone" : "email"
            for value in communications(state, field) {
                let key = field.kind == .phones ? ContactKeys.phone(value) : ContactKeys.email(value)
                try db.execute("INSERT INTO communications (entity_type, entity_id, kind, value, normalized) VALUES (?, ?, ?, ?, ?)",
                               [.text(entity.type.rawValue), .integer(id), .text(kind), .text(value), .text(key)])
            }
        }
    }

    static func remove(_ db: Database, _ entity: EntityDescriptor, id: Int64) throws {
        try db.execute("DELETE FROM \(entity.searchTable) WHERE rowid = ?", [.integer(id)])
        try db.execute("DELETE FROM communications WHERE entity_type = ? AND entity_id = ?", [.text(entity.type.rawValue), .integer(id)])
        try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ? AND kind = 'title'",
                       [.text(entity.type.rawValue), .integer(id)])
    }

    /// The name key duplicate search uses: a company's title, a contact's full name.
    static func titleKey(_ entity: EntityDescriptor, _ state: RecordState) -> String? {
        switch entity.type {
        case .company: state.columns["title"]?.string.flatMap(MatchKeys.companyTitle)
        case .contact: MatchKeys.personName(lastName: state.columns["lastName"]?.string, name: state.columns["name"]?.string,
                                            secondName: state.columns["secondName"]?.string)
        case .lead, .deal, .product, .invoice: nil
        }
    }

    /// The text the full-text index holds: searchable fields, phones also as bare digits and
    /// in normalized form so that any way of typing a number finds it.
    static func searchText(_ entity: EntityDescriptor, _ state: RecordState) -> String {
        var parts: [String] = []
        for field in entity.fields where field.isSearchable {
            switch field.kind {
            case .phones:
                for value in communications(state, field) {
                    let key = ContactKeys.phone(value)
                    parts += [value, key, String(key.filter(\.isASCIIDigit)), String(key.filter(\.isASCIIDigit).suffix(10))]
                }
            case .emails:
                parts += communications(state, field)
            default:
                if let text = state.columns[field.name]?.string { parts.append(text) }
            }
        }
        for value in state.custom.values {
            if case .string(let text) = value { parts.append(text) }
        }
        return TextFolding.fold(parts.joined(separator: " "))
    }

    private static func communications(_ state: RecordState, _ field: FieldDefinition) -> [String] {
        guard let text = state.columns[field.name]?.string, let list = JSONText.parse(text)?.arrayValue else { return [] }
        return list.compactMap { $0["value"]?.stringValue }
    }
}

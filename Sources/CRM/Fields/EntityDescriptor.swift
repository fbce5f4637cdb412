import Storage

/// The built-in shape of one entity type: its table, full-text table and fields in output order.
/// Record storage, lists and validation are written once against descriptors, so contacts,
/// companies and deals reuse what leads use.
package struct EntityDescriptor: Sendable {
    package let type: EntityType
    package let table: String
    package let searchTable: String
    package let fields: [FieldDefinition]
    /// Every stored column, `custom` last, comma-separated, for SELECT and INSERT.
    package let columnList: String
    /// Built-in columns, in the order of `columnList`, paired with their fields.
    package let storedFields: [FieldDefinition]
    /// Values a new record gets for fields the call leaves empty.
    package let defaults: [String: SQLValue]
    /// Fields whose column is NOT NULL, so lists sort on the bare column (and use its indexes).
    package let nonNullFields: Set<String>
    /// The fields a list may sort by, each served by an index (`Migration+Lists`): a list
    /// walks an index instead of sorting a million rows. Other fields are refused (`notSortable`).
    package let sortable: [String]
    /// Built-in free-text columns (string, text, url, address) kept folded (`TextFolding`) in
    /// `textTable`, for `%` contains filters; `trigramTable` indexes them by every three
    /// characters. Codes (enumerations, stages) are few and short and are folded per row.
    package let foldedFields: [FieldDefinition]
    /// Money fields with a generated column of integer kopecks beside them, which lists compare
    /// and sort by (so an amount filter is answered from an index).
    package let kopecksColumns: [String: String]
    package var textTable: String { table + "_text" }
    package var trigramTable: String { table + "_trigram" }
    private let byName: [String: FieldDefinition]
    /// Writes a record's API form straight from its row.
    let encoder: RecordEncoder
    /// What this entity does differently from the shared record behaviour.
    let hooks: RecordHooks

    init(type: EntityType, table: String, fields: [FieldDefinition], defaults: [String: SQLValue] = [:],
                 notNull: Set<String> = [], sortable: [String], kopecksColumns: [String: String] = [:], hooks: RecordHooks = RecordHooks()) {
        self.sortable = sortable
        self.kopecksColumns = kopecksColumns
        foldedFields = fields.filter { $0.column != nil && [.string, .text, .url, .address].contains($0.kind) }
        self.hooks = hooks
        self.defaults = defaults
        nonNullFields = Self.alwaysNonNull.union(notNull)
        self.type = type
        self.table = table
        searchTable = table + "_fts"
        self.fields = fields
        storedFields = fields.filter { $0.column != nil }
        columnList = (storedFields.compactMap(\.column) + ["custom"]).joined(separator: ", ")
        byName = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
        encoder = RecordEncoder(table: table, storedFields: storedFields, columnList: columnList)
        if let assigned = storedFields.firstIndex(where: { $0.name == "assignedTo" }),
           let opened = storedFields.firstIndex(where: { $0.name == "opened" }) {
            ownerPositions = (assigned, opened)
        } else {
            ownerPositions = nil
        }
    }

    /// Where `assignedTo` and `opened` are in a row selected with `columnList`: what access
    /// judges a record by. Nil for a type without them (products).
    let ownerPositions: (assignedTo: Int, opened: Int)?

    package func field(_ name: String) -> FieldDefinition? { byName[name] }

    /// Columns every table keeps NOT NULL.
    static let alwaysNonNull: Set<String> = ["id", "createdAt", "updatedAt", "version", "stageId", "pipelineId", "stageSemantic"]

    /// Whether records of this type move through pipelines of stages.
    package var hasStages: Bool { byName["stageId"] != nil }

    /// The fields every record carries (identity and audit), appended to each descriptor.
    static let metaFields: [FieldDefinition] = [
        FieldDefinition("createdAt", "Создан", .datetime, readOnly: true),
        FieldDefinition("updatedAt", "Изменён", .datetime, readOnly: true),
        FieldDefinition("createdBy", "Кем создан", .user, readOnly: true),
        FieldDefinition("updatedBy", "Кем изменён", .user, readOnly: true),
        FieldDefinition("version", "Версия", .integer, readOnly: true),
    ]
}

/// Per-entity rules of the shared record path, kept on the descriptor rather than as branches
/// on the entity type in shared code.
struct RecordHooks: Sendable {
    /// Before any change of an existing record (its stored state and id): refuses what the
    /// entity does not allow.
    var willChange: (@Sendable (RecordState, Int64) throws -> Void)?
    /// Before a record moves into `stage`; `converting` when a conversion moves it.
    var willEnterStage: (@Sendable (Stage, _ converting: Bool) throws -> Void)?
    /// The name key duplicate search compares, for entities searched by name.
    var titleKey: TitleKey?

    init(willChange: (@Sendable (RecordState, Int64) throws -> Void)? = nil,
         willEnterStage: (@Sendable (Stage, _ converting: Bool) throws -> Void)? = nil, titleKey: TitleKey? = nil) {
        self.willChange = willChange
        self.willEnterStage = willEnterStage
        self.titleKey = titleKey
    }
}

/// A record's name key for duplicate search (a company's title, a contact's full name) and the
/// fields it is made of, so an update rewrites it only when one of them changed.
struct TitleKey: Sendable {
    let fields: Set<String>
    let make: @Sendable (RecordState) -> String?
}

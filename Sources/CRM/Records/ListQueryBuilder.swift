import JSONKit
import Storage

/// Turns a `ListRequest` into SQL. Field names and operators are checked against the
/// entity's fields; only column names from descriptors reach the SQL text, and every value
/// (custom-field JSON paths included) is a bound parameter.
struct ListQueryBuilder {
    let entity: EntityDescriptor
    let custom: [String: FieldDefinition]
    private(set) var conditions: [String] = []
    private(set) var arguments: [SQLValue] = []
    /// The same conditions as checks of one row each, for `RecordListStore`'s scan of the first
    /// rows in list order: a `%` contains reads the row's stored folded text instead of asking
    /// the trigram index for every match.
    private(set) var rowConditions: [String] = []
    private(set) var rowArguments: [SQLValue] = []
    /// Set when a condition asks an index for all its matches at once (a trigram lookup), which
    /// costs in proportion to how many match: a dense one is better checked row by row.
    private(set) var collectsMatches = false
    /// Whether the access scope added by `restrict` is better checked row by row in list order
    /// first (nil: no scope): when it reaches many records and collects their ids as a whole.
    private(set) var scopeScansFirst: Bool?
    /// The index the table is read through (`INDEXED BY`), for a small scope of one responsible
    /// (or a department) read from that index.
    private(set) var indexedBy: String?
    /// Set by `addSearch`: rows come from the full-text index joined to the table, in rowid
    /// order, so a page of matches is read lazily instead of collecting every match first.
    private(set) var isSearch = false

    /// The FROM clause of the list query.
    var source: String {
        if isSearch { return "\(entity.searchTable) JOIN \(entity.table) AS t ON t.id = \(entity.searchTable).rowid" }
        return "\(entity.table) AS t" + (indexedBy.map { " INDEXED BY \($0)" } ?? "")
    }

    /// The row id as the query should order by it: the index's rowid when searching.
    var idExpression: String { isSearch ? "\(entity.searchTable).rowid" : "t.id" }

    init(entity: EntityDescriptor, custom: [FieldDefinition]) {
        self.entity = entity
        self.custom = Dictionary(uniqueKeysWithValues: custom.map { ($0.name, $0) })
    }

    /// A field as SQL: its expression (with bound arguments) and definition.
    struct Resolved {
        var field: FieldDefinition
        var expression: String
        var arguments: [SQLValue]
        var isDecimal: Bool { field.kind == .decimal || field.kind == .money }

        /// The expression lists compare and sort by. Money is stored with exactly two decimals,
        /// so dropping the point gives exact integer kopecks in SQLite's own arithmetic; other
        /// decimals go through the sort-key function.
        /// A stored column holding the money as integer kopecks, indexed (`EntityDescriptor.kopecksColumns`).
        var kopecksColumn: String?

        var comparable: String {
            if let kopecksColumn { return "t.\(kopecksColumn)" }
            return switch field.kind {
            case .money: "CAST(replace(\(expression), '.', '') AS INTEGER)"
            case .decimal: "crm_deckey(\(expression))"
            default: expression
            }
        }
        var isNonNull = false
    }

    func resolve(_ name: String, path: String) throws -> Resolved {
        if let field = entity.field(name), let column = field.column {
            var resolved = Resolved(field: field, expression: "t.\(column)", arguments: [])
            resolved.kopecksColumn = entity.kopecksColumns[name]
            resolved.isNonNull = entity.nonNullFields.contains(name)
            return resolved
        }
        if let field = custom[name], let code = field.customCode {
            let jsonPath = field.kind == .money ? "$.\(code).amount" : "$.\(code)"
            return Resolved(field: field, expression: "json_extract(t.custom, ?)", arguments: [.text(jsonPath)])
        }
        if name.hasPrefix("requisites."), entity.field("requisites") != nil {
            let key = String(name.dropFirst("requisites.".count))
            let field = FieldDefinition(name, key, .string, readOnly: true, column: "requisites")
            return Resolved(field: field, expression: "json_extract(t.requisites, ?)", arguments: [.text("$.\(key)")])
        }
        throw CRMError.invalidParam(path, "unknown field '\(name)'")
    }

    mutating func addFilter(key: String, value: JSON) throws {
        let path = "/filter/" + key
        let (op, name) = FilterOperator.split(key)
        let target = try resolve(name, path: path)
        let kind = target.field.kind
        if kind == .phones || kind == .emails {
            return try addCommunicationFilter(op, kind: kind, value: value, path: path)
        }
        if kind == .requisites { throw CRMError.invalidParam(path, "filter on requisites.<name>, e.g. requisites.inn") }
        if target.field.isCustom && target.field.isMultiple {
            return try addMultipleFilter(op, target, value: value, path: path)
        }
        let expression = target.comparable
        switch op {
        case .equal, .notEqual:
            if value == .null {
                append("\(expression) IS \(op == .equal ? "" : "NOT ")NULL", target.arguments)
            } else if op == .equal {
                append("\(expression) = ?", target.arguments + [try bind(value, target, path)])
            } else {
                append("(\(expression) IS NULL OR \(expression) <> ?)", target.arguments + target.arguments + [try bind(value, target, path)])
            }
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard kind.isOrdered else { throw CRMError.invalidParam(path, "'\(name)' has no order") }
            append("\(expression) \(op.sqlComparison) ?", target.arguments + [try bind(value, target, path)])
        case .contains:
            guard kind.isTextual, case .string(let text) = value, !text.isEmpty else {
                throw CRMError.invalidParam(path, "'%' needs a text field and a non-empty string")
            }
            let needle = TextFolding.fold(text)
            guard let column = target.field.column, entity.foldedFields.contains(where: { $0.name == target.field.name }) else {
                return append("instr(crm_fold(\(expression)), ?) > 0", target.arguments + [.text(needle)])
            }
            let stored = "instr((SELECT \(column) FROM \(entity.textTable) WHERE id = t.id), ?) > 0"
            // The trigram index needs three characters; a shorter needle is checked per row.
            guard needle.count >= 3 else { return append(stored, [.text(needle)]) }
            collectsMatches = true
            append("t.id IN (SELECT rowid FROM \(entity.trigramTable) WHERE \(column) GLOB ?)", [.text("*" + Self.globLiteral(needle) + "*")],
                   row: (stored, [.text(needle)]))
        case .inList, .notInList:
            let items = try listItems(value, path: path).map { try bind($0, target, path) }
            let marks = Array(repeating: "?", count: items.count).joined(separator: ", ")
            if op == .inList {
                append("\(expression) IN (\(marks))", target.arguments + items)
            } else {
                append("(\(expression) IS NULL OR \(expression) NOT IN (\(marks)))", target.arguments + target.arguments + items)
            }
        }
    }

    /// Full-text search: every word must occur (as a word prefix) in the record's text; a phone
    /// number in any notation matches the records with that phone (`SearchQuery`). `db` reads
    /// the index's vocabulary to turn a prefix into the few words it begins.
    mutating func addSearch(_ text: String, _ db: Database) throws {
        let index = RecordIndexStore(entity: entity)
        let query = try SearchQuery.make(text) { prefix in
            try index.searchWords(db, beginning: prefix, limit: SearchQuery.maxExpansion + 1)
        }
        guard let query else {
            // Nothing searchable (only punctuation): nothing matches.
            append("0", [])
            return
        }
        isSearch = true
        append("\(entity.searchTable) MATCH ?", [.text(query)])
    }

    private mutating func addCommunicationFilter(_ op: FilterOperator, kind: FieldKind, value: JSON, path: String) throws {
        let commKind: SQLValue = .text(kind == .phones ? "phone" : "email")
        let owner = "SELECT entity_id FROM communications WHERE entity_type = ? AND kind = ?"
        let base: [SQLValue] = [.text(entity.type.rawValue), commKind]
        func key(_ item: JSON) throws -> SQLValue {
            guard case .string(let text) = item else { throw CRMError.invalidParam(path, "expected a string") }
            return .text(kind == .phones ? ContactKeys.phone(text) : ContactKeys.email(text))
        }
        let column = "t.\(kind == .phones ? "phones" : "emails")"
        switch op {
        case .equal where value == .null: append("\(column) = '[]'", [])
        case .notEqual where value == .null: append("\(column) <> '[]'", [])
        case .equal: append("t.id IN (\(owner) AND normalized = ?)", base + [try key(value)])
        case .notEqual: append("t.id NOT IN (\(owner) AND normalized = ?)", base + [try key(value)])
        case .inList, .notInList:
            let keys = try listItems(value, path: path).map(key)
            let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
            append("t.id \(op == .inList ? "" : "NOT ")IN (\(owner) AND normalized IN (\(marks)))", base + keys)
        case .contains:
            guard case .string(let text) = value, !text.isEmpty else { throw CRMError.invalidParam(path, "expected a non-empty string") }
            let needle = kind == .phones ? String(text.filter(\.isASCIIDigit)) : TextFolding.fold(text)
            guard !needle.isEmpty else { throw CRMError.invalidParam(path, "expected digits of a phone number") }
            append("t.id IN (\(owner) AND instr(\(kind == .phones ? "normalized" : "crm_fold(value)"), ?) > 0)", base + [.text(needle)])
        default:
            throw CRMError.invalidParam(path, "phones and e-mails take =, !, %, @ and !@")
        }
    }

    private mutating func addMultipleFilter(_ op: FilterOperator, _ target: Resolved, value: JSON, path: String) throws {
        let each = "SELECT 1 FROM json_each(t.custom, ?) AS je WHERE"
        switch op {
        case .equal, .notEqual:
            if value == .null {
                append("json_extract(t.custom, ?) IS \(op == .equal ? "" : "NOT ")NULL", target.arguments)
            } else {
                append("\(op == .equal ? "" : "NOT ")EXISTS (\(each) je.value = ?)", target.arguments + [try bind(value, target, path)])
            }
        case .contains:
            guard case .string(let text) = value, !text.isEmpty, target.field.kind.isTextual else {
                throw CRMError.invalidParam(path, "'%' needs a text field and a non-empty string")
            }
            append("EXISTS (\(each) instr(crm_fold(je.value), ?) > 0)", target.arguments + [.text(TextFolding.fold(text))])
        case .inList, .notInList:
            let items = try listItems(value, path: path).map { try bind($0, target, path) }
            let marks = Array(repeating: "?", count: items.count).joined(separator: ", ")
            append("\(op == .inList ? "" : "NOT ")EXISTS (\(each) je.value IN (\(marks)))", target.arguments + items)
        default:
            throw CRMError.invalidParam(path, "a multiple field takes =, !, %, @ and !@")
        }
    }

    private func listItems(_ value: JSON, path: String) throws -> [JSON] {
        guard case .array(let items) = value, !items.isEmpty, items.count <= 1000 else {
            throw CRMError.invalidParam(path, "expected an array of 1 to 1000 values")
        }
        return items
    }

    /// The SQL value to compare a field with, checked against the field's kind.
    func bind(_ value: JSON, _ target: Resolved, _ path: String) throws -> SQLValue {
        let kind = target.field.kind
        switch (kind, value) {
        case (.decimal, _), (.money, _):
            let text: String? = switch value {
            case .string(let s): s
            case .number(let n): n.text
            default: nil
            }
            if kind == .money {
                guard let text else { throw CRMError.invalidParam(path, "expected an amount with at most two decimals") }
                do throws(DecimalScaled.Refusal) {
                    return .integer(try DecimalScaled.parse(text, scale: 2, maximum: Money.maximum))
                } catch .tooLarge {
                    // Stored amounts are within the maximum: a filter past it would compare with nothing real.
                    throw CRMError.amountTooLarge(field: path.split(separator: "/").joined(separator: "."))
                } catch {
                    throw CRMError.invalidParam(path, "expected an amount with at most two decimals")
                }
            }
            guard let text, let key = DecimalText.sortKey(text) else { throw CRMError.invalidParam(path, "expected a decimal string") }
            return .text(key)
        case (.datetime, .string(let text)):
            if let canonical = Timestamp.canonical(text) { return .text(canonical) }
            if let days = Timestamp.parseDate(text) { return .text(Timestamp.format(days * 86_400)) }
            throw CRMError.invalidParam(path, "expected an ISO 8601 timestamp or a date")
        case (.date, .string(let text)):
            guard Timestamp.parseDate(text) != nil else { throw CRMError.invalidParam(path, "expected a date YYYY-MM-DD") }
            return .text(text)
        case (.integer, .number(let n)), (.user, .number(let n)), (.id, .number(let n)), (.pipeline, .number(let n)), (.link, .number(let n)):
            guard let integer = n.int64Value else { throw CRMError.invalidParam(path, "expected an integer") }
            return .integer(integer)
        case (.boolean, .bool(let flag)):
            return .integer(flag ? 1 : 0)
        case (_, .string(let text)) where kind.isTextual:
            return .text(text)
        default:
            throw CRMError.invalidParam(path, "a value of the wrong type for '\(target.field.name)'")
        }
    }

    /// Adds an access scope (`Access.condition`): a condition that collects its matches from
    /// indexes as a whole, and its form as a check of one row.
    /// A scope whose records all belong to its responsibles is read from their index when it
    /// is small (sorting its records costs little), or when it is one user's and the list is in
    /// id order (the index walks that user's ids in order and stops at the page's end).
    mutating func restrict(_ scope: ScopeCondition, _ db: Database, small limit: Int, idOrder: Bool) throws {
        let small = try RecordListStore.reachesFewer(scope, than: limit, db)
        let anyOpen = try scope.open && RecordListStore.anyOpen(scope.table, db)
        if let owners = scope.ownersOnly(anyOpen: anyOpen), small || (idOrder && scope.oneOwner) {
            append(owners.condition, scope.arguments)
            indexedBy = owners.index
            scopeScansFirst = false
        } else {
            append(scope.whole, scope.arguments, row: (scope.row, scope.arguments))
            scopeScansFirst = !small
        }
    }

    /// Adds a condition; `row` is its form as a check of one row when that differs.
    private mutating func append(_ condition: String, _ values: [SQLValue], row: (String, [SQLValue])? = nil) {
        conditions.append(condition)
        arguments += values
        rowConditions.append(row?.0 ?? condition)
        rowArguments += row?.1 ?? values
    }

    /// Text that GLOB matches literally: its wildcard characters each as a one-character class.
    static func globLiteral(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "*", "?", "[": result += "[\(character)]"
            default: result.append(character)
            }
        }
        return result
    }
}

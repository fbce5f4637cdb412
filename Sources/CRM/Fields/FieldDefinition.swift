import JSONKit

/// One field of an entity, built-in or custom: its API name, title, kind and where it is stored.
package struct FieldDefinition: Sendable {
    /// API name: `city` for a built-in field, `custom.code` for a custom one.
    package let name: String
    package let title: String
    package let kind: FieldKind
    /// The SQL column of a built-in field; nil for custom fields (kept in the `custom` JSON column).
    package let column: String?
    package let isReadOnly: Bool
    package let isMultiple: Bool
    /// Options of an enum field.
    package let options: [String]
    /// Whether the field's text goes into the full-text index.
    package let isSearchable: Bool
    /// The record type a `.link` field refers to.
    package let linkTarget: EntityType?
    /// A custom field every record must have (for entities without stages; staged entities
    /// express this as a requirement of their first stage).
    package let isAlwaysRequired: Bool

    package var isCustom: Bool { column == nil }
    /// The custom field's code (`name` without `custom.`).
    package var customCode: String? { isCustom ? String(name.dropFirst("custom.".count)) : nil }

    package init(_ name: String, _ title: String, _ kind: FieldKind, readOnly: Bool = false, multiple: Bool = false,
                 options: [String] = [], searchable: Bool = false, column: String? = nil, linkTarget: EntityType? = nil) {
        self.name = name
        self.title = title
        self.kind = kind
        self.column = column ?? FieldDefinition.snakeCase(name)
        self.isReadOnly = readOnly
        self.isMultiple = multiple || kind == .phones || kind == .emails
        self.options = options
        self.isSearchable = searchable
        self.linkTarget = linkTarget
        isAlwaysRequired = false
    }

    package init(custom code: String, title: String, kind: FieldKind, multiple: Bool, options: [String], required: Bool = false) {
        name = "custom." + code
        self.title = title
        self.kind = kind
        column = nil
        isReadOnly = false
        isMultiple = multiple
        self.options = options
        isSearchable = kind == .string || kind == .text || kind == .address
        linkTarget = nil
        isAlwaysRequired = required
    }

    /// `secondName` → `second_name`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// The description `*.fields` returns.
    package func describe(isRequired: Bool) -> JSON {
        var object: [String: JSON] = [
            "type": .string(kind.rawValue), "title": .string(title), "isRequired": .bool(isRequired),
            "isReadOnly": .bool(isReadOnly), "isMultiple": .bool(isMultiple), "isCustom": .bool(isCustom),
        ]
        if !options.isEmpty { object["options"] = .array(options.map { .string($0) }) }
        if let linkTarget { object["linkTo"] = .string(linkTarget.rawValue) }
        return .object(object)
    }
}

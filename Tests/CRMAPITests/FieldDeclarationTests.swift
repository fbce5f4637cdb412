import CRM
@testable import CRMAPI
import Foundation
import JSONKit
import Testing
import TestSupport

/// "One declaration per field". A built-in record field is declared in three places: its
/// entity descriptor (Sources/CRM/Fields: name, kind, column, read-only flag), the JSON Schemas
/// (the record a method returns, the writable `fields` of `add`/`update`) and the table the
/// migrations create (Sources/CRM/Database). For every `EntityType` these tests check that the
/// three agree and name the entity, the field and the place it is missing from when they don't.
///
/// The schemas are read from `EmbeddedSchemas.documents`: the very texts crmd validates params
/// and results against (`scripts/embed-schemas --check`, run by scripts/test, keeps them equal
/// to Schemas/). After editing Schemas/, run scripts/embed-schemas before these tests.
@Suite struct FieldDeclarationTests {
    // MARK: - Explicit exceptions: everything that is not one field declared in all three places

    /// Table columns that are no descriptor field's column.
    /// (Full-text search lives in separate `<table>_fts` tables and money sorts by SQL
    /// arithmetic on the money column itself, so no helper columns sit in the record tables.)
    static let internalColumns: Set<String> = [
        // The values of custom fields, a JSON object by code. Custom fields are declared at run
        // time (`field.add`, table custom_fields), not in the descriptor; `columnList` appends
        // this column and records return it as their `custom` key.
        "custom",
    ]

    /// Keys of every record shape (results of get/add/update, list items) that are no descriptor field.
    static let recordKeysBesideFields: Set<String> = [
        // Custom field values by code (the `custom` column above): one key for all custom fields.
        "custom",
    ]

    /// Keys a record shape of one entity type computes when the record is read; not stored in its row.
    static let computedRecordKeys: [EntityType: Set<String>] = [
        // `InvoiceService.get` adds what is still due (total − paid), the payments (table
        // invoice_payments), the closing documents (table invoice_documents) and the e-mails
        // sent (table outbox). `InvoiceListItem` declares them as well so that `Invoice` can
        // extend it; `invoice.list` forbids them with `not`.
        .invoice: ["due", "payments", "documents", "messages"],
        // `deal.get` adds the deal's money from its invoices (`InvoiceService.withMoney`).
        // `DealListItem` declares it so that `Deal` can extend it; only `deal.get` requires it.
        .deal: ["money"],
    ]

    /// Keys of the `fields` param of add/update that are no descriptor field.
    static let inputKeysBesideFields: Set<String> = [
        // Custom field values by code: the given codes are set, `null` clears one.
        "custom",
    ]

    // MARK: - What each field kind looks like in a schema and in SQLite

    /// A further demand on a field's schema beyond its JSON types.
    enum Detail: Sendable {
        /// A string `format` (`uri`, `date`, `date-time`).
        case format(String)
        /// A string `pattern`: exact decimals and ids travel as checked text.
        case pattern
        /// An `enum` equal to the descriptor's `options`.
        case options
        /// An `enum` equal to these values.
        case values(Set<String>)
        /// An array whose items are objects.
        case arrayOfObjects
    }

    struct KindShape: Sendable {
        /// The JSON types the schema accepts apart from null: exactly one of these sets.
        let types: [Set<String>]
        /// The column's declared SQLite type.
        let sqlType: String
        let detail: Detail?

        init(_ types: Set<String>..., sql sqlType: String, _ detail: Detail? = nil) {
            self.types = types
            self.sqlType = sqlType
            self.detail = detail
        }
    }

    /// The stage semantics (`StageSemantic` is not CaseIterable; each name is checked to be one).
    static let stageSemantics: Set<String> = Set(["process", "success", "failure"].compactMap { StageSemantic(rawValue: $0)?.rawValue })

    /// One entry per `FieldKind`. A kind missing here fails `everyFieldKindHasASchemaShape`:
    /// a new kind needs a decision about how the schemas and the table spell it.
    static let kindShapes: [FieldKind: KindShape] = [
        .id: KindShape(["integer"], sql: "INTEGER"),
        .integer: KindShape(["integer"], sql: "INTEGER"),
        .user: KindShape(["integer"], sql: "INTEGER"),
        .pipeline: KindShape(["integer"], sql: "INTEGER"),
        .link: KindShape(["integer"], sql: "INTEGER"),
        .boolean: KindShape(["boolean"], sql: "INTEGER"),
        .string: KindShape(["string"], sql: "TEXT"),
        .text: KindShape(["string"], sql: "TEXT"),
        .address: KindShape(["string"], sql: "TEXT"),
        .url: KindShape(["string"], sql: "TEXT", .format("uri")),
        .date: KindShape(["string"], sql: "TEXT", .format("date")),
        .datetime: KindShape(["string"], sql: "TEXT", .format("date-time")),
        // Exact decimals: strings with a pattern, never JSON numbers, stored as text.
        .decimal: KindShape(["string"], sql: "TEXT", .pattern),
        .money: KindShape(["string"], sql: "TEXT", .pattern),
        .enumeration: KindShape(["string"], sql: "TEXT", .options),
        .stage: KindShape(["string"], sql: "TEXT", .pattern),
        .semantic: KindShape(["string"], sql: "TEXT", .values(stageSemantics)),
        // JSON kept as text: `[{value, type}]` lists, requisites, an OKEI unit, invoice snapshots.
        .phones: KindShape(["array"], sql: "TEXT", .arrayOfObjects),
        .emails: KindShape(["array"], sql: "TEXT", .arrayOfObjects),
        .requisites: KindShape(["object"], sql: "TEXT"),
        .unit: KindShape(["object"], sql: "TEXT"),
        .json: KindShape(["object"], ["array"], sql: "TEXT"),
    ]

    // MARK: - Tests

    @Test func everyFieldKindHasASchemaShape() {
        for kind in FieldKind.allCases where Self.kindShapes[kind] == nil {
            fail("FieldKind.\(kind) (\"\(kind.rawValue)\") has no entry in FieldDeclarationTests.kindShapes: "
                 + "decide its JSON types, SQLite type and schema details there")
        }
    }

    /// 1. Descriptor ⇄ table: every field's column exists with the kind's SQL type, and every
    /// column is some field's or an explicit internal column.
    @Test(arguments: EntityType.allCases)
    func descriptorFieldsAreExactlyTheTableColumns(_ type: EntityType) throws {
        let descriptor = type.descriptor
        let database = try Self.database.get()
        guard let columns = database.tables[descriptor.table], !columns.isEmpty else {
            fail("\(type): EntityDescriptor.\(type) names table `\(descriptor.table)`, which the migrations do not create")
            return
        }
        var fieldByColumn: [String: String] = [:]
        for field in descriptor.fields {
            let name = "\(type).\(field.name)"
            guard let columnName = field.column else {
                fail("\(name): a built-in field of EntityDescriptor.\(type) without a column (only custom fields have none)")
                continue
            }
            if let other = fieldByColumn[columnName] {
                fail("\(name): shares column `\(columnName)` with \(type).\(other) in EntityDescriptor.\(type)")
            }
            fieldByColumn[columnName] = field.name
            guard let column = columns[columnName] else {
                fail("\(name): declared in EntityDescriptor.\(type) (column `\(columnName)`) but missing from table "
                     + "`\(descriptor.table)` created by the migrations (Sources/CRM/Database)")
                continue
            }
            if let shape = Self.kindShapes[field.kind], column.type.uppercased() != shape.sqlType {
                fail("\(name): column \(descriptor.table).\(columnName) is \(column.type), but kind \(field.kind.rawValue) is stored as \(shape.sqlType)")
            }
            if descriptor.nonNullFields.contains(field.name), !column.neverNull {
                fail("\(name): EntityDescriptor.\(type).nonNullFields says the column is NOT NULL (lists sort on the bare column), "
                     + "but \(descriptor.table).\(columnName) may hold NULL")
            }
        }
        for column in columns.keys.sorted() where fieldByColumn[column] == nil && !Self.internalColumns.contains(column) {
            fail("\(type): column \(descriptor.table).\(column) (migrations) is stored by no field of EntityDescriptor.\(type); "
                 + "add the field, or list the column in FieldDeclarationTests.internalColumns with the reason")
        }
        for column in Self.internalColumns.sorted() where columns[column] == nil {
            fail("\(type): internal column `\(column)` is missing from table `\(descriptor.table)`; drop the exception if it is gone")
        }
        for column in descriptor.columnList.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where columns[column] == nil {
            fail("\(type): EntityDescriptor.\(type).columnList selects `\(column)`, which table `\(descriptor.table)` lacks")
        }
        if !database.tableNames.contains(descriptor.searchTable) {
            fail("\(type): full-text table `\(descriptor.searchTable)` of EntityDescriptor.\(type) is not created by the migrations")
        }
    }

    /// 2. Descriptor ⇄ record schemas: every field is a property of every shape a record is
    /// returned in (and `required` where the whole record is returned), every property a field.
    @Test(arguments: EntityType.allCases)
    func recordSchemasDeclareExactlyTheDescriptorFields(_ type: EntityType) throws {
        let schemas = try Self.schemas.get()
        let fieldNames = Set(type.descriptor.fields.map(\.name))
        let exceptions = Self.recordKeysBesideFields.union(Self.computedRecordKeys[type] ?? [])
        let shapes = recordShapes(type, schemas)
        for shape in shapes {
            let object = schemas.objectShape(shape.nodes)
            for field in type.descriptor.fields {
                if object.properties[field.name] == nil {
                    fail("\(type).\(field.name): field of EntityDescriptor.\(type) missing from the record schema \(shape.place)")
                } else if shape.isWhole, !object.required.contains(field.name) {
                    fail("\(type).\(field.name): not in `required` of \(shape.place), which returns every built-in key")
                }
            }
            for (key, declared) in object.properties.sorted(by: { $0.key < $1.key }) where !fieldNames.contains(key) && !exceptions.contains(key) {
                fail("\(type).\(key): property of the record schema \(shape.place), declared at \(declared.map(\.location).joined(separator: ", ")), "
                     + "but no field of EntityDescriptor.\(type); "
                     + "add the field, or justify the key in FieldDeclarationTests.recordKeysBesideFields/computedRecordKeys")
            }
            for key in exceptions.sorted() where object.properties[key] == nil {
                fail("\(type).\(key): listed as an exception but absent from \(shape.place); drop the exception")
            }
        }
    }

    /// 3. Descriptor ⇄ `fields` of add/update: writable fields accepted, read-only ones refused.
    @Test(arguments: EntityType.allCases)
    func inputSchemasAcceptExactlyTheWritableFields(_ type: EntityType) throws {
        let schemas = try Self.schemas.get()
        let writable = type.descriptor.fields.filter { !$0.isReadOnly }
        let inputs = inputShapes(type, schemas)
        if inputs.isEmpty {
            for field in writable {
                fail("\(type).\(field.name): writable in EntityDescriptor.\(type), but there is no \(type).add or \(type).update method to write it")
            }
            return
        }
        let fieldNames = Set(type.descriptor.fields.map(\.name))
        for input in inputs {
            let object = schemas.objectShape(input.nodes)
            for field in type.descriptor.fields {
                let isDeclared = object.properties[field.name] != nil
                if !field.isReadOnly, !isDeclared {
                    fail("\(type).\(field.name): writable in EntityDescriptor.\(type) but missing from \(input.place)")
                } else if field.isReadOnly, let declared = object.properties[field.name] {
                    fail("\(type).\(field.name): read-only in EntityDescriptor.\(type) but accepted by \(input.place), "
                         + "declared at \(declared.map(\.location).joined(separator: ", "))")
                } else if field.isReadOnly, !object.isClosed {
                    fail("\(type).\(field.name): read-only, but \(input.place) allows any key (no `additionalProperties: false`)")
                }
            }
            for (key, declared) in object.properties.sorted(by: { $0.key < $1.key })
            where !fieldNames.contains(key) && !Self.inputKeysBesideFields.contains(key) {
                fail("\(type).\(key): accepted by \(input.place), declared at \(declared.map(\.location).joined(separator: ", ")), "
                     + "but no field of EntityDescriptor.\(type); "
                     + "add the field, or justify the key in FieldDeclarationTests.inputKeysBesideFields")
            }
        }
    }

    /// 4. Kinds ⇄ schema types: each field's schema has its kind's JSON types and details, and
    /// a record allows null exactly where the column may be NULL (no NOT NULL, no descriptor default).
    @Test(arguments: EntityType.allCases)
    func schemaTypesFitTheFieldKinds(_ type: EntityType) throws {
        let schemas = try Self.schemas.get()
        let descriptor = type.descriptor
        let columns = try Self.database.get().tables[descriptor.table] ?? [:]
        for shape in recordShapes(type, schemas) {
            let object = schemas.objectShape(shape.nodes)
            for field in descriptor.fields {
                guard let nodes = object.properties[field.name],
                      let types = checkKind(type, field, nodes, place: shape.place, schemas),
                      let column = field.column.flatMap({ columns[$0] }) else { continue }
                let mayBeNull = !column.neverNull && descriptor.defaults[field.name] == nil
                if mayBeNull, !types.contains("null") {
                    fail("\(type).\(field.name): \(shape.place) does not allow null, but column \(descriptor.table).\(column.name) "
                         + "may be NULL (no NOT NULL, no default in EntityDescriptor.\(type)) and is then returned as null")
                } else if !mayBeNull, types.contains("null") {
                    let why = column.neverNull ? "is NOT NULL" : "gets the default \(descriptor.defaults[field.name].map { "\($0)" } ?? "")"
                    fail("\(type).\(field.name): \(shape.place) allows null, but column \(descriptor.table).\(column.name) \(why), so it is never null")
                }
            }
        }
        for input in inputShapes(type, schemas) {
            let object = schemas.objectShape(input.nodes)
            for field in descriptor.fields where !field.isReadOnly {
                guard let nodes = object.properties[field.name],
                      let types = checkKind(type, field, nodes, place: input.place, schemas),
                      types.contains("null"), let column = field.column.flatMap({ columns[$0] }) else { continue }
                // null is written as NULL, as `[]` for lists, or replaced by the descriptor's default.
                let nullable = !column.neverNull || descriptor.defaults[field.name] != nil || field.kind == .phones || field.kind == .emails
                if !nullable {
                    fail("\(type).\(field.name): \(input.place) accepts null, but column \(descriptor.table).\(column.name) is NOT NULL "
                         + "and EntityDescriptor.\(type) has no default to put in its place")
                }
            }
        }
    }

    // MARK: - Where records and inputs are described

    struct Place {
        /// E.g. `lead.get result (methods/lead.get.json#/$defs/result)`.
        let place: String
        let nodes: [SchemaDocuments.Node]
        /// Returns the whole record: every built-in key must be `required`.
        var isWhole = false
    }

    /// The record as `get`, `add` and `update` return it (one place when they refer to the same
    /// definition), and a `list` item.
    private func recordShapes(_ type: EntityType, _ schemas: SchemaDocuments) -> [Place] {
        var results: [(methods: [String], node: SchemaDocuments.Node)] = []
        for method in ["get", "add", "update"] {
            let document = "methods/\(type).\(method).json"
            guard schemas.documents[document] != nil else {
                if method == "get" { fail("\(type): no \(document), so no record schema to compare with EntityDescriptor.\(type)") }
                continue
            }
            guard let result = schemas.node(document, "/$defs/result") else {
                fail("\(type): \(document) has no $defs/result")
                continue
            }
            let target = schemas.referenced(result)
            if let index = results.firstIndex(where: { $0.node.location == target.location }) {
                results[index].methods.append("\(type).\(method)")
            } else {
                results.append((["\(type).\(method)"], target))
            }
        }
        var places = results.map {
            Place(place: "\($0.methods.joined(separator: "/")) result (\($0.node.location))", nodes: [$0.node], isWhole: true)
        }
        let listDocument = "methods/\(type).list.json"
        if let result = schemas.node(listDocument, "/$defs/result") {
            let items = (schemas.objectShape([result]).properties["items"] ?? []).compactMap { schemas.child($0, "items") }
            if items.isEmpty {
                fail("\(type): \(listDocument) result declares no item schema for `items`")
            } else {
                let locations = items.map { schemas.referenced($0).location }.joined(separator: ", ")
                places.append(Place(place: "\(type).list items (\(locations))", nodes: items))
            }
        } else {
            fail("\(type): no \(listDocument) with $defs/result")
        }
        return places
    }

    /// The `fields` param of `add` and `update`, where the methods exist.
    private func inputShapes(_ type: EntityType, _ schemas: SchemaDocuments) -> [Place] {
        var places: [Place] = []
        for method in ["add", "update"] {
            let document = "methods/\(type).\(method).json"
            guard schemas.documents[document] != nil else { continue }
            guard let params = schemas.node(document, "/$defs/params"),
                  let fields = schemas.objectShape([params]).properties["fields"] else {
                fail("\(type): \(document) has no `fields` param")
                continue
            }
            let locations = fields.map { schemas.referenced($0).location }.joined(separator: ", ")
            places.append(Place(place: "\(type).\(method) `fields` (\(locations))", nodes: fields))
        }
        return places
    }

    /// Checks a field's schema against its kind; returns the JSON types it accepts (null included).
    private func checkKind(_ type: EntityType, _ field: FieldDefinition, _ nodes: [SchemaDocuments.Node], place: String,
                           _ schemas: SchemaDocuments) -> Set<String>? {
        let name = "\(type).\(field.name)"
        guard let shape = Self.kindShapes[field.kind] else {
            fail("\(name): kind \(field.kind.rawValue) has no entry in FieldDeclarationTests.kindShapes")
            return nil
        }
        let types = nodes.reduce(SchemaDocuments.allTypes) { $0.intersection(schemas.types($1)) }
        let nonNull = types.subtracting(["null"])
        if !shape.types.contains(nonNull) {
            fail("\(name): \(place) accepts \(Self.describe(nonNull)) (besides null), "
                 + "but kind \(field.kind.rawValue) is \(shape.types.map(Self.describe).joined(separator: " or "))")
        }
        func collected(_ keyword: String) -> [JSON] { nodes.flatMap { schemas.collect(keyword, in: $0) }.map(\.schema) }
        func checkEnumeration(_ expected: Set<String>, _ source: String) {
            let values = Set(collected("enum").flatMap { $0.arrayValue ?? [] }.compactMap(\.stringValue))
            if values != expected {
                fail("\(name): \(place) enumerates \(values.sorted()), but \(source) \(expected.sorted())")
            }
        }
        switch shape.detail {
        case .format(let format):
            if !collected("format").contains(.string(format)) {
                fail("\(name): \(place) lacks `format: \(format)`, which kind \(field.kind.rawValue) has")
            }
        case .pattern:
            if collected("pattern").isEmpty {
                fail("\(name): \(place) has no `pattern`, which kind \(field.kind.rawValue) needs (checked text, not any string)")
            }
        case .options:
            checkEnumeration(Set(field.options), "EntityDescriptor.\(type) has the options")
        case .values(let values):
            checkEnumeration(values, "kind \(field.kind.rawValue) has")
        case .arrayOfObjects:
            let items = nodes.flatMap { schemas.collect("items", in: $0) }
            if items.isEmpty || items.contains(where: { schemas.types($0) != ["object"] }) {
                fail("\(name): \(place) is not an array of objects, as kind \(field.kind.rawValue) is")
            }
        case nil:
            break
        }
        return types
    }

    private static func describe(_ types: Set<String>) -> String {
        types.isEmpty ? "nothing" : types.sorted().joined(separator: "|")
    }

    // MARK: - The database and the schemas, read once

    struct Column: Sendable {
        let name: String
        let type: String
        let notNull: Bool
        let primaryKey: Bool
        /// NOT NULL, or the INTEGER PRIMARY KEY (the rowid), which table_info reports as nullable.
        var neverNull: Bool { notNull || primaryKey }
    }

    struct MigratedDatabase: Sendable {
        /// `PRAGMA table_info` of each entity type's table, by column name.
        let tables: [String: [String: Column]]
        let tableNames: Set<String>
    }

    /// A fresh database with every migration applied.
    static let database = Result<MigratedDatabase, any Error> {
        let directory = try TemporaryDirectory(prefix: "crmd-fields")
        let crm = try CRM(path: directory.file("crm.sqlite"), synchronousFull: false)
        defer { crm.close() }
        return try crm.pool.read { db in
            var tables: [String: [String: Column]] = [:]
            for type in EntityType.allCases {
                let table = type.descriptor.table
                var columns: [String: Column] = [:]
                for row in try db.query("PRAGMA table_info(\(table))") {
                    let name = row["name"].string ?? ""
                    columns[name] = Column(name: name, type: row["type"].string ?? "", notNull: row["notnull"].int == 1,
                                           primaryKey: (row["pk"].int ?? 0) > 0)
                }
                tables[table] = columns
            }
            let names = try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0["name"].string }
            return MigratedDatabase(tables: tables, tableNames: Set(names))
        }
    }

    static let schemas = Result<SchemaDocuments, any Error> { try SchemaDocuments() }
}

private func fail(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// The embedded schema documents by path (`lead.json`, `methods/lead.get.json`), with the
/// `$ref`s between them resolved by relative path, as their `$id`s mirror the paths.
struct SchemaDocuments: Sendable {
    /// A schema and the document it sits in (its `$ref`s are relative to that document).
    struct Node: Sendable {
        let document: String
        let pointer: String
        let schema: JSON
        var location: String { document + "#" + pointer }
    }

    /// An object schema's properties, `required` and closedness, through `$ref` and `allOf`.
    struct ObjectShape {
        var properties: [String: [Node]] = [:]
        var required: Set<String> = []
        /// `additionalProperties: false` (or `unevaluatedProperties: false`) somewhere.
        var isClosed = false
    }

    static let allTypes: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
    private static let maxDepth = 40

    let documents: [String: JSON]

    init() throws {
        var documents: [String: JSON] = [:]
        for (path, text) in EmbeddedSchemas.documents { documents[path] = try JSON.parse(text) }
        self.documents = documents
    }

    func node(_ document: String, _ pointer: String) -> Node? {
        guard var value = documents[document] else { return nil }
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch value {
            case .object(let object):
                guard let next = object[key] else { return nil }
                value = next
            case .array(let items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                value = items[index]
            default:
                return nil
            }
        }
        return Node(document: document, pointer: pointer, schema: value)
    }

    func child(_ node: Node, _ keys: String...) -> Node? {
        let suffix = keys.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
        return self.node(node.document, node.pointer + suffix)
    }

    /// `common.json#/$defs/Text` from `lead.json`, `../lead.json#/$defs/LeadFields` from `methods/lead.add.json`.
    func resolve(_ reference: String, from node: Node) -> Node? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        var document = node.document
        if !parts[0].isEmpty {
            var segments = node.document.split(separator: "/").dropLast().map(String.init)
            for segment in parts[0].split(separator: "/") {
                if segment == ".." {
                    if !segments.isEmpty { segments.removeLast() }
                } else if segment != "." {
                    segments.append(String(segment))
                }
            }
            document = segments.joined(separator: "/")
        }
        guard let target = self.node(document, parts.count > 1 ? String(parts[1]) : "") else {
            fail("schema \(node.location): $ref \(reference) does not resolve")
            return nil
        }
        return target
    }

    /// The definition a schema that is just a `$ref` names (`lead.json#/$defs/Lead` for a
    /// method's result), for messages; the schema itself otherwise.
    func referenced(_ node: Node) -> Node {
        var node = node
        for _ in 0..<Self.maxDepth {
            guard let object = node.schema.objectValue, object.keys.allSatisfy({ ["$ref", "description", "title"].contains($0) }),
                  let reference = object["$ref"]?.stringValue, let target = resolve(reference, from: node) else { break }
            node = target
        }
        return node
    }

    /// The schema and every schema that applies with it by `$ref` and `allOf`.
    func conjuncts(_ node: Node, depth: Int = 0) -> [Node] {
        guard depth < Self.maxDepth, case .object(let schema) = node.schema else { return [node] }
        var parts = [node]
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference, from: node) {
            parts += conjuncts(target, depth: depth + 1)
        }
        for index in (schema["allOf"]?.arrayValue ?? []).indices {
            if let part = child(node, "allOf", String(index)) { parts += conjuncts(part, depth: depth + 1) }
        }
        return parts
    }

    func objectShape(_ nodes: [Node]) -> ObjectShape {
        var shape = ObjectShape()
        for part in nodes.flatMap({ conjuncts($0) }) {
            for name in (part.schema["properties"]?.objectValue ?? [:]).keys {
                if let property = child(part, "properties", name) { shape.properties[name, default: []].append(property) }
            }
            shape.required.formUnion(part.schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if part.schema["additionalProperties"] == .bool(false) || part.schema["unevaluatedProperties"] == .bool(false) {
                shape.isClosed = true
            }
        }
        return shape
    }

    /// The JSON types (`integer` apart from `number`) an instance of the schema may have, from
    /// `type`, `enum`, `const`, `$ref`, `allOf` (intersection) and `anyOf`/`oneOf` (union).
    func types(_ node: Node, depth: Int = 0) -> Set<String> {
        guard case .object(let schema) = node.schema else { return node.schema == .bool(false) ? [] : Self.allTypes }
        guard depth < Self.maxDepth else { return Self.allTypes }
        var result = Self.allTypes
        if let type = schema["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            result.formIntersection(names.flatMap { $0 == "number" ? ["number", "integer"] : [$0] })
        }
        if let values = schema["enum"]?.arrayValue { result.formIntersection(values.map(\.typeName)) }
        if let value = schema["const"] { result.formIntersection([value.typeName]) }
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference, from: node) {
            result.formIntersection(types(target, depth: depth + 1))
        }
        for index in (schema["allOf"]?.arrayValue ?? []).indices {
            if let part = child(node, "allOf", String(index)) { result.formIntersection(types(part, depth: depth + 1)) }
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let branches = schema[keyword]?.arrayValue else { continue }
            var union: Set<String> = []
            for index in branches.indices {
                if let branch = child(node, keyword, String(index)) { union.formUnion(types(branch, depth: depth + 1)) }
            }
            result.formIntersection(union)
        }
        return result
    }

    /// Every value of `keyword` in the schema or in one it refers to or combines (`$ref`,
    /// `allOf`, `anyOf`, `oneOf`), each as a node of its own document.
    func collect(_ keyword: String, in node: Node, depth: Int = 0) -> [Node] {
        guard depth < Self.maxDepth, case .object(let schema) = node.schema else { return [] }
        var found: [Node] = []
        if schema[keyword] != nil, let value = child(node, keyword) { found.append(value) }
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference, from: node) {
            found += collect(keyword, in: target, depth: depth + 1)
        }
        for combinator in ["allOf", "anyOf", "oneOf"] {
            for index in (schema[combinator]?.arrayValue ?? []).indices {
                if let branch = child(node, combinator, String(index)) { found += collect(keyword, in: branch, depth: depth + 1) }
            }
        }
        return found
    }
}

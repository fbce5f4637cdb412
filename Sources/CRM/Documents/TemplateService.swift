import JSONKit
import Storage
import Templates

/// Document templates (S18): the built-in invoice, contract, commercial offer and act, and
/// templates users add (`template.add/update/list`). A template is checked when it is saved:
/// one that does not compile is refused with its line and column.
package struct TemplateService: Sendable {
    let crm: CRM

    static let kinds = ["invoice", "contract", "offer", "act", "other"]

    package func list() throws -> JSON {
        try crm.pool.read { db in
            let builtIn: [JSON] = [["code": "invoice", "title": "Счет на оплату", "kind": "invoice", "builtin": true, "updatedAt": .null]]
                + DealDocumentTemplates.builtIn.map { ["code": .string($0.code), "title": .string($0.title), "kind": .string($0.kind),
                                                       "builtin": true, "updatedAt": .null] }
            let users = try db.query("SELECT code, title, kind, updated_at FROM document_templates ORDER BY id").map { row -> JSON in
                try StoredData.read("document_templates", row["code"].string ?? "?") {
                    ["code": .string(try row.text("code")), "title": .string(try row.text("title")), "kind": .string(try Self.kind(row)),
                     "builtin": false, "updatedAt": .string(try row.text("updated_at"))]
                }
            }
            return ["items": .array(builtIn + users)]
        }
    }

    package func add(code: String, title: String, kind: String?, body: String, by caller: Caller) throws -> JSON {
        let kind = kind ?? "other"
        guard Self.kinds.contains(kind) else { throw CRMError.invalidValue(field: "kind", reason: "option", message: "unknown kind \(kind)") }
        guard code != "invoice", !DealDocumentTemplates.builtIn.contains(where: { $0.code == code }) else {
            throw CRMError.conflict(reason: "builtin", details: ["code": .string(code)])
        }
        try Self.check(body)
        return try crm.pool.write { db in
            if try db.queryOne("SELECT 1 FROM document_templates WHERE code = ?", [.text(code)]) != nil {
                throw CRMError.conflict(reason: "exists", details: ["code": .string(code)])
            }
            try db.execute("INSERT INTO document_templates (code, title, kind, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [.text(code), .text(title), .text(kind), .text(body), .text(crm.nowText), .text(crm.nowText)])
            try crm.apply(Change(.template, id: .string(code), .created, by: caller, at: crm.nowText,
                                 data: ["title": .string(title), "kind": .string(kind)]), in: db)
            return try Self.template(db, code)
        }
    }

    package func update(code: String, title: String?, body: String?, by caller: Caller) throws -> JSON {
        if let body { try Self.check(body) }
        return try crm.pool.write { db in
            let old = try Self.template(db, code)
            try db.execute("""
                UPDATE document_templates SET title = coalesce(?, title), body = coalesce(?, body), updated_at = ?, version = version + 1
                WHERE code = ?
                """, [SQLValue(title), SQLValue(body), .text(crm.nowText), .text(code)])
            let new = try Self.template(db, code)
            try crm.apply(Change(.template, id: .string(code), .updated, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences(old, new, ignoring: ["updatedAt", "version"])), in: db)
            return new
        }
    }

    /// The source of a template by code, built-in or the user's.
    func source(_ code: String) throws -> String {
        if let builtIn = DealDocumentTemplates.builtIn.first(where: { $0.code == code }) { return builtIn.body }
        return try crm.pool.read { db in
            guard let row = try db.queryOne("SELECT body FROM document_templates WHERE code = ?", [.text(code)]) else {
                throw CRMError.notFound(entityType: "template", id: .string(code))
            }
            return try StoredData.read("document_templates", code) { try row.text("body") }
        }
    }

    private static func check(_ body: String) throws {
        do {
            _ = try Template(body)
        } catch {
            throw CRMError.invalidValue(field: "body", reason: "template", message: error.description)
        }
    }

    private static func template(_ db: Database, _ code: String) throws -> JSON {
        guard let row = try db.queryOne("SELECT code, title, kind, body, created_at, updated_at, version FROM document_templates WHERE code = ?",
                                        [.text(code)]) else { throw CRMError.notFound(entityType: "template", id: .string(code)) }
        return try StoredData.read("document_templates", code) {
            ["code": .string(try row.text("code")), "title": .string(try row.text("title")), "kind": .string(try kind(row)),
             "builtin": false, "body": .string(try row.text("body")), "createdAt": .string(try row.text("created_at")),
             "updatedAt": .string(try row.text("updated_at")), "version": .int(try row.int64("version"))]
        }
    }

    /// A stored template's kind, one of `kinds`.
    private static func kind(_ row: Row) throws -> String {
        let kind = try row.text("kind")
        guard kinds.contains(kind) else { throw StoredData.Problem("kind: unknown kind '\(kind)'") }
        return kind
    }
}

extension CRM {
    package var templates: TemplateService { TemplateService(crm: self) }
}

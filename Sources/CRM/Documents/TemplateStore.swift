import Storage

/// The SQL of the document templates users add (`document_templates`); built-in templates
/// live in code and never reach it.
enum TemplateStore {
    /// A user's template as stored, read strictly (its kind must be one of `TemplateService.kinds`).
    struct Stored {
        var code: String
        var title: String
        var kind: String
        var body: String
        var createdAt: String
        var updatedAt: String
        var version: Int64
    }

    /// What `template.list` shows of a user's template.
    struct Summary {
        var code: String
        var title: String
        var kind: String
        var updatedAt: String
    }

    static func exists(_ db: Database, code: String) throws -> Bool {
        try db.queryOne("SELECT 1 FROM document_templates WHERE code = ?", [.text(code)]) != nil
    }

    static func insert(_ db: Database, code: String, title: String, kind: String, body: String, at now: String) throws {
        try db.execute("INSERT INTO document_templates (code, title, kind, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(code), .text(title), .text(kind), .text(body), .text(now), .text(now)])
    }

    /// Replaces the title and body given (nil keeps the stored one) and counts a new version.
    static func update(_ db: Database, code: String, title: String?, body: String?, at now: String) throws {
        try db.execute("""
            UPDATE document_templates SET title = coalesce(?, title), body = coalesce(?, body), updated_at = ?, version = version + 1
            WHERE code = ?
            """, [SQLValue(title), SQLValue(body), .text(now), .text(code)])
    }

    static func fetch(_ db: Database, code: String) throws -> Stored? {
        guard let row = try db.queryOne("SELECT code, title, kind, body, created_at, updated_at, version FROM document_templates WHERE code = ?",
                                        [.text(code)]) else { return nil }
        return try StoredData.read("document_templates", code) {
            Stored(code: try row.text("code"), title: try row.text("title"), kind: try kind(row), body: try row.text("body"),
                   createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"), version: try row.int64("version"))
        }
    }

    /// A template's source alone (nil when there is no such template).
    static func body(_ db: Database, code: String) throws -> String? {
        guard let row = try db.queryOne("SELECT body FROM document_templates WHERE code = ?", [.text(code)]) else { return nil }
        return try StoredData.read("document_templates", code) { try row.text("body") }
    }

    /// Every user template, oldest first.
    static func list(_ db: Database) throws -> [Summary] {
        try db.query("SELECT code, title, kind, updated_at FROM document_templates ORDER BY id").map { row in
            try StoredData.read("document_templates", row["code"].string ?? "?") {
                Summary(code: try row.text("code"), title: try row.text("title"), kind: try kind(row), updatedAt: try row.text("updated_at"))
            }
        }
    }

    /// A stored template's kind, one of `TemplateService.kinds`.
    private static func kind(_ row: Row) throws -> String {
        let kind = try row.text("kind")
        guard TemplateService.kinds.contains(kind) else { throw StoredData.Problem("kind: unknown kind '\(kind)'") }
        return kind
    }
}

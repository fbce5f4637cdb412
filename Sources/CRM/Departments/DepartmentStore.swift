import Storage

/// The SQL of departments (`departments`), a tree by `parent_id`.
enum DepartmentStore {
    /// A department as stored.
    struct Department {
        var id: Int64
        var name: String
        var parentID: Int64?
        var createdAt: String
        var updatedAt: String
    }

    static func insert(_ db: Database, name: String, parentID: Int64?, at: String) throws -> Int64 {
        try db.execute("INSERT INTO departments (name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       [.text(name), SQLValue(parentID), .text(at), .text(at)])
        return db.lastInsertRowID
    }

    static func update(_ db: Database, _ id: Int64, name: String, parentID: Int64?, at: String) throws {
        try db.execute("UPDATE departments SET name = ?, parent_id = ?, updated_at = ? WHERE id = ?",
                       [.text(name), SQLValue(parentID), .text(at), .integer(id)])
    }

    static func delete(_ db: Database, _ id: Int64) throws {
        try db.execute("DELETE FROM departments WHERE id = ?", [.integer(id)])
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Department? {
        try db.queryOne("SELECT id, name, parent_id, created_at, updated_at FROM departments WHERE id = ?", [.integer(id)]).map(department)
    }

    /// Every department, by id.
    static func all(_ db: Database) throws -> [Department] {
        try db.query("SELECT id, name, parent_id, created_at, updated_at FROM departments ORDER BY id").map(department)
    }

    static func childCount(_ db: Database, _ id: Int64) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM departments WHERE parent_id = ?", [.integer(id)]).int64 ?? 0
    }

    private static func department(_ row: Row) throws -> Department {
        Department(id: try row.int64("id"), name: try row.text("name"), parentID: try row.optionalInt64("parent_id"),
                   createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"))
    }
}

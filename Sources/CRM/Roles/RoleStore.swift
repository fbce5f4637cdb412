import Storage

/// The SQL of roles (`roles`) and of who holds them (`role_assignments`: a user or a department).
enum RoleStore {
    /// A role as stored; `permissions` is its JSON text.
    struct Role {
        var id: Int64
        var code: String?
        var name: String
        var builtIn: Bool
        var permissions: String
        var createdAt: String
        var updatedAt: String
    }

    private static let selection = "SELECT id, code, name, built_in, permissions, created_at, updated_at FROM roles"

    static func insert(_ db: Database, code: String?, name: String, builtIn: Bool, permissions: String, at: String) throws -> Int64 {
        try db.execute("INSERT INTO roles (code, name, built_in, permissions, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [SQLValue(code), .text(name), SQLValue(builtIn), .text(permissions), .text(at), .text(at)])
        return db.lastInsertRowID
    }

    static func update(_ db: Database, _ id: Int64, name: String, permissions: String, at: String) throws {
        try db.execute("UPDATE roles SET name = ?, permissions = ?, updated_at = ? WHERE id = ?",
                       [.text(name), .text(permissions), .text(at), .integer(id)])
    }

    static func delete(_ db: Database, _ id: Int64) throws {
        try db.execute("DELETE FROM roles WHERE id = ?", [.integer(id)])
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Role? {
        try db.queryOne(selection + " WHERE id = ?", [.integer(id)]).map(role)
    }

    static func all(_ db: Database) throws -> [Role] {
        try db.query(selection + " ORDER BY id").map(role)
    }

    /// The ids of the roles assigned to `holder` itself, ascending.
    static func roleIDs(_ db: Database, of holder: RoleHolder) throws -> [Int64] {
        try db.query("SELECT role_id FROM role_assignments WHERE \(holder.column) = ? ORDER BY role_id", [.integer(holder.id)])
            .map { try $0.int64("role_id") }
    }

    /// Replaces the roles assigned to `holder`.
    static func setRoles(_ db: Database, of holder: RoleHolder, to roleIDs: [Int64]) throws {
        try db.execute("DELETE FROM role_assignments WHERE \(holder.column) = ?", [.integer(holder.id)])
        for roleID in Set(roleIDs).sorted() {
            try db.execute("INSERT INTO role_assignments (role_id, \(holder.column)) VALUES (?, ?)", [.integer(roleID), .integer(holder.id)])
        }
    }

    /// The users and departments role `id` is assigned to.
    static func holders(_ db: Database, of id: Int64) throws -> (users: [Int64], departments: [Int64]) {
        let rows = try db.query("SELECT user_id, department_id FROM role_assignments WHERE role_id = ? ORDER BY user_id, department_id",
                                [.integer(id)])
        return (try rows.compactMap { try $0.optionalInt64("user_id") }, try rows.compactMap { try $0.optionalInt64("department_id") })
    }

    private static func role(_ row: Row) throws -> Role {
        Role(id: try row.int64("id"), code: try row.optionalText("code"), name: try row.text("name"), builtIn: try row.bool("built_in"),
             permissions: try row.text("permissions"), createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"))
    }
}

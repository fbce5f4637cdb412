import Storage

/// The SQL of users (`users`).
enum UserStore {
    /// A user as stored.
    struct User {
        var id: Int64
        var name: String
        var email: String?
        var phone: String?
        var position: String?
        var timeZone: String?
        var departmentID: Int64?
        var managerID: Int64?
        var unixUser: Int64?
        var active: Bool
        var createdAt: String
        var updatedAt: String?
        var deactivatedAt: String?
    }

    /// The profile columns `user.add` and `user.update` write, by API field name.
    static let columns: [(field: String, column: String)] = [
        ("name", "name"), ("email", "email"), ("phone", "phone"), ("position", "position"), ("timeZone", "time_zone"),
        ("departmentId", "department_id"), ("managerId", "manager_id"), ("unixUser", "unix_user"),
    ]

    private static let selection = """
        SELECT id, name, email, phone, position, time_zone, department_id, manager_id, unix_user, active, created_at,
               updated_at, deactivated_at FROM users
        """

    /// Inserts an active user with the given profile columns; returns its id.
    static func insert(_ db: Database, _ values: [String: SQLValue], at createdAt: String) throws -> Int64 {
        let given = columns.filter { values[$0.column] != nil }
        let names = given.map(\.column) + ["active", "created_at", "updated_at"]
        let arguments = given.map { values[$0.column]! } + [.integer(1), .text(createdAt), .text(createdAt)]
        try db.execute("INSERT INTO users (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                       arguments)
        return db.lastInsertRowID
    }

    /// Writes the given profile columns of user `id`.
    static func update(_ db: Database, _ id: Int64, _ values: [String: SQLValue], at updatedAt: String) throws {
        let given = columns.filter { values[$0.column] != nil }
        let assignments = (given.map(\.column) + ["updated_at"]).map { "\($0) = ?" }.joined(separator: ", ")
        try db.execute("UPDATE users SET \(assignments) WHERE id = ?", given.map { values[$0.column]! } + [.text(updatedAt), .integer(id)])
    }

    static func deactivate(_ db: Database, _ id: Int64, at: String) throws {
        try db.execute("UPDATE users SET active = 0, deactivated_at = ?, updated_at = ? WHERE id = ?", [.text(at), .text(at), .integer(id)])
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> User? {
        try db.queryOne(selection + " WHERE id = ?", [.integer(id)]).map(user)
    }

    /// The user mapped to Unix uid `uid`, if any.
    static func fetch(_ db: Database, unixUser uid: Int64) throws -> User? {
        try db.queryOne(selection + " WHERE unix_user = ?", [.integer(uid)]).map(user)
    }

    /// Every user, by id; only active ones unless `includeInactive`; only those of
    /// `departmentID` when given.
    static func all(_ db: Database, includeInactive: Bool = true, departmentID: Int64? = nil) throws -> [User] {
        var conditions: [String] = [], arguments: [SQLValue] = []
        if !includeInactive { conditions.append("active = 1") }
        if let departmentID {
            conditions.append("department_id = ?")
            arguments.append(.integer(departmentID))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try db.query(selection + filter + " ORDER BY id", arguments).map(user)
    }

    static func exists(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM users WHERE id = ?", [.integer(id)]) != nil
    }

    /// Whether user `id` exists and is active: nil when there is no such user.
    static func isActive(_ db: Database, _ id: Int64) throws -> Bool? {
        try db.queryOne("SELECT active FROM users WHERE id = ?", [.integer(id)]).map { try $0.bool("active") }
    }

    /// The ids of the users, active or not, of department `id` and of every department below it, sorted.
    static func ids(_ db: Database, inDepartmentTree id: Int64) throws -> [Int64] {
        try db.query("""
            WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT d.id FROM departments AS d JOIN tree ON d.parent_id = tree.id)
            SELECT id FROM users WHERE department_id IN (SELECT id FROM tree) ORDER BY id
            """, [.integer(id)]).map { try $0.int64("id") }
    }

    /// How many users belong to department `id`, active or not.
    static func count(_ db: Database, inDepartment id: Int64) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users WHERE department_id = ?", [.integer(id)]).int64 ?? 0
    }

    private static func user(_ row: Row) throws -> User {
        User(id: try row.int64("id"), name: try row.text("name"), email: try row.optionalText("email"),
             phone: try row.optionalText("phone"), position: try row.optionalText("position"), timeZone: try row.optionalText("time_zone"),
             departmentID: try row.optionalInt64("department_id"), managerID: try row.optionalInt64("manager_id"),
             unixUser: try row.optionalInt64("unix_user"), active: try row.bool("active"), createdAt: try row.text("created_at"),
             updatedAt: try row.optionalText("updated_at"), deactivatedAt: try row.optionalText("deactivated_at"))
    }
}

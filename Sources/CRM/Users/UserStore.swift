import Storage

/// The SQL of users (`users`).
enum UserStore {
    /// A user as stored.
    struct User {
        var id: Int64
        var name: String
        var email: String?
        var active: Bool
        var createdAt: String
    }

    /// Inserts an active user; returns its id.
    static func insert(_ db: Database, name: String, email: String?, at createdAt: String) throws -> Int64 {
        try db.execute("INSERT INTO users (name, email, active, created_at) VALUES (?, ?, 1, ?)",
                       [.text(name), SQLValue(email), .text(createdAt)])
        return db.lastInsertRowID
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> User? {
        try db.queryOne("SELECT id, name, email, active, created_at FROM users WHERE id = ?", [.integer(id)]).map(user)
    }

    /// Every user, by id.
    static func all(_ db: Database) throws -> [User] {
        try db.query("SELECT id, name, email, active, created_at FROM users ORDER BY id").map(user)
    }

    static func exists(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM users WHERE id = ?", [.integer(id)]) != nil
    }

    private static func user(_ row: Row) throws -> User {
        User(id: try row.int64("id"), name: try row.text("name"), email: try row.optionalText("email"), active: try row.bool("active"),
             createdAt: try row.text("created_at"))
    }
}

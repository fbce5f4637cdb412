/// One schema step: `version` is written to `PRAGMA user_version` in the same transaction
/// that applies it, so a migration is either fully applied or not at all.
///
/// Versions start at 1 and strictly increase in the list given to `DatabasePool`. A migration
/// runs inside a transaction, so it cannot toggle `PRAGMA foreign_keys` (use
/// `PRAGMA defer_foreign_keys` instead).
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (Database) throws -> Void

    public init(version: Int, name: String, apply: @escaping @Sendable (Database) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// A migration that runs `sql` (several statements allowed) with `executeScript`.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { database in
            try database.executeScript(sql)
        }
    }
}

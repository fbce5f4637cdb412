import JSONKit
import Storage

/// The SQL of the settings: one JSON object document under the key `settings`.
enum SettingsStore {
    /// The stored settings document, or nil if none was ever saved; one that is not a JSON
    /// object throws `StoredDataError`.
    static func load(_ db: Database) throws -> [String: JSON]? {
        guard let row = try db.queryOne("SELECT value FROM settings WHERE key = 'settings'") else { return nil }
        return try StoredData.read("settings", rowKey) { try StoredData.object(try row.text("value"), "value") }
    }

    /// Writes the whole settings document.
    static func save(_ db: Database, _ settings: [String: JSON]) throws {
        try db.execute("INSERT INTO settings (key, value) VALUES ('settings', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       [.text(JSON.object(settings).text)])
    }

    /// The row's key as `StoredDataError` names it.
    static let rowKey = "'settings'"
}

import Foundation
import Storage
@testable import CRM

/// A database file made by the first `version` migrations only, in a temporary directory of its
/// own: what a migration test fills as an older crmd would have left it, then opens with today's
/// `CRM` at `path`.
struct OldDatabase {
    let directory: URL
    let path: String
    let pool: DatabasePool

    init(version: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("crm.sqlite").path
        var configuration = DatabaseConfiguration()
        configuration.prepareConnection = { db in try CRM.registerFunctions(on: db) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration, migrations: Array(CRMMigrations.all.prefix(version)))
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Removes the directory and the database in it.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

import JSONKit
import Storage

/// The CRM engine: one SQLite database, one clock, and the services over them. Thread-safe;
/// every method blocks its caller (a connection's own thread) and never the concurrency pool.
/// Every method that writes is one all-or-nothing transaction.
package final class CRM: Sendable {
    package let pool: DatabasePool
    package let clock: any Clock
    /// Pipelines and custom fields for the write path.
    package let definitions = DefinitionCache()
    /// Where requisite lookups by INN go.
    package let registry: RegistrySource
    /// The one path of every change: listeners run inside each write (see `apply(_:in:)`).
    package let changes = ChangeFunnel(ChangeFunnel.builtIn)
    /// Where background work reports the failures it handled (stderr unless redirected).
    package let faults = FaultLog()
    /// Programs and directories set by crmd's config file only.
    package let local: LocalConfiguration
    /// Raised whenever users, departments, tokens or settings change: sessions re-check then.
    package let accessGeneration = AccessGeneration()

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    package init(path: String, clock: any Clock = SystemClock(), synchronousFull: Bool = true, registry: RegistrySource? = nil,
                 local: LocalConfiguration = LocalConfiguration()) throws {
        var configuration = DatabaseConfiguration()
        configuration.synchronousFull = synchronousFull
        configuration.prepareConnection = { db in try CRM.registerFunctions(on: db) }
        pool = try DatabasePool(path: path, configuration: configuration, migrations: CRMMigrations.all)
        self.clock = clock
        self.local = local
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        self.registry = registry ?? RegistrySource(offlinePath: (directory.isEmpty ? "." : directory) + "/registry.sqlite")
        let access = AccessGenerationListener(generation: accessGeneration)
        changes.add(access)
        observeCommits(access)
    }

    package func close() { pool.close() }

    /// The current time as stored and returned (`2026-11-29T10:15:00Z`).
    package var nowText: String { Timestamp.format(clock.now()) }

    /// Records of one type: add, get, update, delete, list, fields.
    package func records(_ type: EntityType) -> RecordService { RecordService(crm: self, entity: type.descriptor) }

    /// SQL functions crmd's queries rely on, registered on every connection.
    static func registerFunctions(on db: Database) throws {
        try db.registerFunction("crm_fold", argumentCount: 1) { args in
            guard case .text(let text) = args[0] else { return args[0] }
            return .text(TextFolding.fold(text))
        }
        try db.registerFunction("crm_deckey", argumentCount: 1) { args in
            switch args[0] {
            case .text(let text): return DecimalText.sortKey(text).map(SQLValue.text) ?? .null
            case .integer(let value): return DecimalText.sortKey(String(value)).map(SQLValue.text) ?? .null
            default: return .null
            }
        }
    }
}

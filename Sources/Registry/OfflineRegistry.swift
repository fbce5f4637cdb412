import Foundation
import Storage

/// The offline company registry: the tax service's SME registry imported into its own SQLite
/// file (e.g. `registry.sqlite` next to the CRM database) and looked up by INN.
///
/// Lookups read a consistent snapshot and may run on many threads, also during an import, which
/// they do not see until it has completed. Imports run one at a time (a second one waits); an
/// import either completes or changes nothing: the rows of an import that failed, or that a
/// crash cut short, stay invisible and are deleted by the next import. Only one process may
/// import into a given file. Database failures surface as `RegistryError.unreachable`.
public final class OfflineRegistry: CompanyRegistry {
    private let pool: DatabasePool
    private let importLock = NSLock()

    /// Records per write transaction during an import.
    static let batchSize = 5_000
    /// Records between two progress reports.
    static let progressInterval = 10_000

    /// Opens (creating if needed) the registry database at `path`.
    public init(path: String) throws {
        var configuration = DatabaseConfiguration()
        configuration.readerCount = 2
        configuration.synchronousFull = false
        configuration.prepareConnection = { database in
            try database.execute("PRAGMA cache_size = -16384")
            try database.execute("PRAGMA journal_size_limit = 67108864")
        }
        pool = try DatabasePool(path: path, configuration: configuration, migrations: RegistrySchema.migrations)
    }

    /// The entry for `inn` (blanks around it ignored); nil when the registry does not have it.
    public func lookup(inn: String) throws(RegistryError) -> RegistryEntry? {
        let key = inn.trimmed
        guard !key.isEmpty else { return nil }
        do {
            return try pool.read { database in
                try database.queryOne(RegistrySchema.selectEntry, [.text(key)]).flatMap(RegistrySchema.entry)
            }
        } catch {
            throw .unreachable("the registry database: \(error)")
        }
    }

    /// Imports the tax service's SME registry ("Единый реестр субъектов МСП", dataset
    /// 7707329152-rsmp): a ZIP of XML files or one XML file, UTF-8 or windows-1251.
    ///
    /// The XML is read as a stream and written in batches of `batchSize` records, invisible to
    /// lookups until every file has been read; then, at once, the records replace those with the
    /// same INN (a later file's record wins) and the replaced rows are deleted. `progress` is
    /// called every `progressInterval` records and at the end. A truncated or damaged file, or
    /// XML that is not the registry, throws `badFile` and leaves the registry as it was.
    public func importFile(
        path: String, progress: (RegistryImportProgress) -> Void
    ) throws(RegistryError) -> RegistryImportSummary {
        importLock.lock()
        defer { importLock.unlock() }
        let result: Result<RegistryImportSummary, RegistryError> = withoutActuallyEscaping(progress) { progress in
            let job = RegistryImportJob(pool: pool, path: path, progress: progress)
            do throws(RegistryError) {
                return .success(try job.run())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Closes the database (waiting for calls in flight); later calls fail.
    public func close() {
        pool.close()
    }
}

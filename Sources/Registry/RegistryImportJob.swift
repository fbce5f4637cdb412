#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Storage
import Zip

/// One run of `OfflineRegistry.importFile`: registers a `running` import, finds the XML files
/// (one file, or the `.xml` entries of a ZIP in archive order), parses them, appends their
/// records in batches, then marks the import `done` in one small transaction (see
/// `RegistrySchema` for why lookups see nothing before that).
///
/// On any failure the import's rows and its row in `registry_imports` are deleted and the error
/// rethrown, so what lookups see is untouched. Database failures are reported as `unreachable`
/// (the registry database cannot be used), the file's problems as `badFile` or
/// `unsupportedFormat`.
final class RegistryImportJob {
    private let pool: DatabasePool
    private let path: String
    private let progress: (RegistryImportProgress) -> Void
    private var totalBytes: Int64?
    private var batch: [RegistryRecord] = []
    private var summary = RegistryImportSummary(records: 0, organisations: 0, entrepreneurs: 0, files: 0, sourceDate: nil)
    private var source: ByteSource?
    private var importId: Int64 = 0

    /// Rowids per delete transaction.
    static let deleteBatch: Int64 = 50_000

    init(pool: DatabasePool, path: String, progress: @escaping (RegistryImportProgress) -> Void) {
        self.pool = pool
        self.path = path
        self.progress = progress
        batch.reserveCapacity(OfflineRegistry.batchSize)
    }

    func run() throws(RegistryError) -> RegistryImportSummary {
        let (isZip, size) = try inspect()
        totalBytes = size
        try removeUnfinishedImports()
        let path = self.path
        importId = try database { database in
            try database.execute(RegistrySchema.startImport, [.text(path)])
            return database.lastInsertRowID
        }
        do throws(RegistryError) {
            if isZip {
                try importArchive()
            } else {
                try importXML(FileByteSource(path: path))
            }
            try flush()
            guard summary.records > 0 else { throw RegistryError.badFile(reason: "no registry records found") }
            try finish()
        } catch {
            try? removeUnfinishedImports()
            throw error
        }
        report()
        removeSupersededRows()
        return summary
    }

    /// Deletes the rows of imports that did not finish, a batch of rowids per transaction.
    private func removeUnfinishedImports() throws(RegistryError) {
        let unfinished = try database { database in
            try database.query(RegistrySchema.unfinishedImports).map { ($0[0].int64 ?? 0, $0[1].int64 ?? 0) }
        }
        guard !unfinished.isEmpty else { return }
        let last = try database { try $0.scalar(RegistrySchema.lastRowid).int64 ?? 0 }
        for (id, firstRowid) in unfinished {
            var from = firstRowid
            while from <= last {
                let to = from + Self.deleteBatch
                try database { try $0.execute(RegistrySchema.deleteImportRows, [.integer(from), .integer(to), .integer(id)]) }
                from = to
            }
            try database { try $0.execute(RegistrySchema.deleteImport, [.integer(id)]) }
        }
    }

    /// Deletes the rows the finished import replaced. It runs after the import is visible and
    /// only saves space, so a failure here is not reported.
    private func removeSupersededRows() {
        let importId = self.importId
        let bounds = try? database { database in
            let first = try database.queryOne(RegistrySchema.importFirstRowid, [.integer(importId)])
            return (first?[0].int64 ?? 0, try database.scalar(RegistrySchema.lastRowid).int64 ?? 0)
        }
        guard let (first, last) = bounds else { return }
        var from = first
        while from <= last {
            let to = from + Self.deleteBatch
            guard (try? database({ try $0.execute(RegistrySchema.deleteSuperseded, [.integer(from), .integer(to)]) })) != nil else {
                return
            }
            from = to
        }
    }

    /// Whether the file is a ZIP archive (by its signature), and its size.
    private func inspect() throws(RegistryError) -> (Bool, Int64) {
        let (descriptor, size) = try FileByteSource.openRegularFile(path)
        defer { close(descriptor) }
        var signature = [UInt8](repeating: 0, count: 4)
        let count = signature.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
        let isZip = count == 4 && signature[0] == 0x50 && signature[1] == 0x4B
            && ((signature[2] == 3 && signature[3] == 4) || (signature[2] == 5 && signature[3] == 6))
        return (isZip, size)
    }

    private func importArchive() throws(RegistryError) {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch {
            throw RegistryError(zipError: error)
        }
        let files = archive.entries.filter { !$0.isDirectory && $0.name.lowercased().hasSuffix(".xml") }
        guard !files.isEmpty else { throw .badFile(reason: "the ZIP archive holds no XML file") }
        var before: Int64 = 0
        for entry in files {
            let reader: ZipEntryReader
            do {
                reader = try archive.open(entry)
            } catch {
                throw RegistryError(zipError: error)
            }
            do throws(RegistryError) {
                try importXML(ZipEntryByteSource(reader: reader, bytesBefore: before))
            } catch .badFile(let reason) {
                throw .badFile(reason: "\(entry.name): \(reason)")
            }
            before += entry.compressedSize
        }
    }

    private func importXML(_ source: ByteSource) throws(RegistryError) {
        self.source = source
        var parser = RSMPParser(scanner: XMLScanner(source: source))
        try parser.parse { record throws(RegistryError) in
            try add(record)
        }
        summary.files += 1
    }

    private func add(_ record: RegistryRecord) throws(RegistryError) {
        summary.records += 1
        if record.preset == .ip { summary.entrepreneurs += 1 } else { summary.organisations += 1 }
        if let date = record.stateDate, date > (summary.sourceDate ?? "") { summary.sourceDate = date }
        batch.append(record)
        if batch.count >= OfflineRegistry.batchSize { try flush() }
        if summary.records % OfflineRegistry.progressInterval == 0 { report() }
    }

    private func flush() throws(RegistryError) {
        guard !batch.isEmpty else { return }
        let records = batch
        let importId = self.importId
        batch.removeAll(keepingCapacity: true)
        try database { database in
            for record in records {
                try database.execute(RegistrySchema.insertEntry, RegistrySchema.arguments(record, importId: importId))
            }
        }
    }

    /// Makes the import visible: one small transaction.
    private func finish() throws(RegistryError) {
        let summary = self.summary
        let importId = self.importId
        try database { database in
            try database.execute(RegistrySchema.finishImport, [
                .integer(Int64(summary.records)), .integer(Int64(summary.organisations)),
                .integer(Int64(summary.entrepreneurs)), .integer(Int64(summary.files)), SQLValue(summary.sourceDate),
                .integer(importId),
            ])
        }
    }

    private func report() {
        progress(RegistryImportProgress(records: summary.records, bytesRead: source?.bytesRead ?? 0, totalBytes: totalBytes))
    }

    private func database<T>(_ body: (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw .unreachable("the registry database: \(error)")
        }
    }
}


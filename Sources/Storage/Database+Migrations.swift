extension Database {
    /// `PRAGMA user_version`: the highest migration applied to this file.
    public func userVersion() throws(SQLiteError) -> Int {
        try scalar("PRAGMA user_version").int ?? 0
    }

    /// Applies the pending `migrations`, each in its own `BEGIN IMMEDIATE` transaction that also
    /// sets `user_version`, and returns the resulting version.
    ///
    /// Throws `StorageError.databaseNewerThanBinary` before touching anything when the file is
    /// newer than the newest migration. A failing migration is rolled back and its error rethrown;
    /// the migrations before it stay applied.
    func migrate(_ migrations: [Migration]) throws -> Int {
        precondition(migrations.allSatisfy { $0.version >= 1 }, "migration versions start at 1")
        precondition(
            zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
            "migration versions must strictly increase")
        let supported = migrations.last?.version ?? 0
        let found = try userVersion()
        guard found <= supported else {
            throw StorageError.databaseNewerThanBinary(found: found, supported: supported)
        }
        for migration in migrations where migration.version > found {
            try execute("BEGIN IMMEDIATE")
            do {
                // Re-read under the write lock: another process may have migrated meanwhile.
                if try userVersion() < migration.version {
                    try migration.apply(self)
                    try execute("PRAGMA user_version = \(migration.version)")
                }
                try execute("COMMIT")
            } catch {
                if !isAutocommit { try? execute("ROLLBACK") }
                throw error
            }
        }
        return try userVersion()
    }
}

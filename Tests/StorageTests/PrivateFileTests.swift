import Foundation
import Storage
import Testing

/// Database files are readable by their owner only, whatever the umask (issue 8: any local user
/// could copy a 0644 database and read every lead and the SMTP password).
@Suite struct PrivateFileTests {
    private func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }

    @Test func theDatabaseAndItsWALAndSharedMemoryAreOwnerOnlyUnderUmask022() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        let pool = try DatabasePool(path: temporary.path, migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t(x);")])
        defer { pool.close() }
        try pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
        for suffix in ["", "-wal", "-shm"] {
            #expect(mode(temporary.path + suffix) == 0o600, "\(suffix.isEmpty ? "database" : suffix)")
        }
    }

    @Test func aDatabaseLeftReadableByOthersIsNarrowedWhenOpenedForWriting() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        #expect(FileManager.default.createFile(atPath: temporary.path, contents: nil))
        #expect(chmod(temporary.path, 0o644) == 0)
        #expect(mode(temporary.path) == 0o644)
        let reader = try Database(path: temporary.path, readOnly: true)
        reader.close()
        #expect(mode(temporary.path) == 0o644, "a reader changes nothing")
        let writer = try Database(path: temporary.path)
        defer { writer.close() }
        #expect(mode(temporary.path) == 0o600)
    }

    @Test func aDirectoryInsteadOfTheFileIsAReadableError() throws {
        let temporary = try TemporaryDatabase()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(atPath: temporary.path, withIntermediateDirectories: false)
        #expect {
            _ = try Database(path: temporary.path)
        } throws: { error in
            "\(error)".contains("cannot open \(temporary.path): Is a directory")
        }
    }
}

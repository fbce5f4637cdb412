import Foundation
import Storage

/// `crmd backup` and `crmd check`: run beside a live server (or without one) on its database.
enum MaintenanceCommand {
    static func backup(database: String, to target: String) -> Int32 {
        if let problem = missing(database) { return fail(problem) }
        do {
            try Maintenance.backup(databaseAt: database, to: target)
            print("crmd: backed up \(database) to \(target)")
            return 0
        } catch {
            return fail("backup of \(database) failed: \(SystemError.database(error, path: database))")
        }
    }

    static func check(database: String) -> Int32 {
        if let problem = missing(database) { return fail(problem) }
        do {
            let problems = try Maintenance.problems(databaseAt: database)
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("crmd: \(problem)\n".utf8)) }
                return fail("\(database): \(problems.count) problem(s)")
            }
            print("crmd: \(database) is sound (integrity and foreign keys checked)")
            return 0
        } catch {
            return fail("cannot check \(database): \(SystemError.database(error, path: database))")
        }
    }

    /// Why there is no database file to read at `path`, if there is none.
    private static func missing(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no database at \(path)" }
        return isDirectory.boolValue ? "\(path) is a directory, not a database" : nil
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
        return 1
    }
}

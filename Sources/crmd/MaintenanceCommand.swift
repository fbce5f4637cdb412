import Foundation
import Storage

/// `crmd backup` and `crmd check`: run beside a live server (or without one) on its database.
enum MaintenanceCommand {
    static func backup(database: String, to target: String) -> Int32 {
        guard FileManager.default.fileExists(atPath: database) else { return fail("no database at \(database)") }
        do {
            try Maintenance.backup(databaseAt: database, to: target)
            print("crmd: backed up \(database) to \(target)")
            return 0
        } catch {
            return fail("backup of \(database) failed: \(error)")
        }
    }

    static func check(database: String) -> Int32 {
        guard FileManager.default.fileExists(atPath: database) else { return fail("no database at \(database)") }
        do {
            let problems = try Maintenance.problems(databaseAt: database)
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("crmd: \(problem)\n".utf8)) }
                return fail("\(database): \(problems.count) problem(s)")
            }
            print("crmd: \(database) is sound (integrity and foreign keys checked)")
            return 0
        } catch {
            return fail("cannot check \(database): \(error)")
        }
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
        return 1
    }
}

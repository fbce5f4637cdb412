import Foundation

/// A fresh temporary directory for one test, removed when released, with helpers that write
/// fixtures and run Python 3 (for windows-1251 encoding and ZIP archives made by `zipfile`).
final class TestDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("registrytests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
    }

    func size(_ name: String) throws -> Int64 {
        Int64(try bytes(name).count)
    }

    /// Writes `text` encoded as windows-1251.
    func writeWindows1251(_ name: String, _ text: String) throws {
        try write(name + ".utf8", text)
        try python("open('\(name)', 'wb').write(open('\(name).utf8', encoding='utf-8').read().encode('cp1251'))")
    }

    /// A ZIP of the named files (in this order) plus `extra` entries given as name → text;
    /// `method` is a `zipfile` constant name.
    func zip(_ name: String, files: [String], extra: [(String, String)] = [], method: String = "ZIP_DEFLATED") throws {
        let names = files.map { "'\($0)'" }.joined(separator: ", ")
        let extras = extra.map { "(\"\($0.0)\", \"\($0.1)\")" }.joined(separator: ", ")
        try python("""
            import zipfile
            with zipfile.ZipFile('\(name)', 'w', compression=zipfile.\(method)) as z:
                for f in [\(names)]:
                    z.write(f)
                for n, t in [\(extras)]:
                    z.writestr(n, t)
            """)
    }

    @discardableResult
    func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.currentDirectoryURL = url
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "python3 failed: " + String(decoding: err, as: UTF8.self))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

import Foundation

/// Runs the command-line tools the tests verify output with (poppler-utils, qpdf, python3 + pypdf).
///
/// Rule: a missing tool is an error naming the package to install, never a silent skip.
enum ExternalTools {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let packages = [
        "pdftotext": "apt-get install -y poppler-utils",
        "pdffonts": "apt-get install -y poppler-utils",
        "pdftoppm": "apt-get install -y poppler-utils",
        "qpdf": "apt-get install -y qpdf",
        "python3": "apt-get install -y python3",
    ]

    /// The absolute path of `tool` on PATH, or a `Missing` error saying what to install.
    static func locate(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(description: "\(tool) not found on PATH; install it: \(packages[tool] ?? tool)")
    }

    /// Runs `tool` with `arguments` (stdin closed) and waits for it. Large data goes through files,
    /// and stderr is expected to stay small.
    static func run(_ tool: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(tool))
        process.arguments = arguments
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs a Python 3 script (with `arguments` in sys.argv[1:]); fails with install advice if
    /// python3 or pypdf is missing when `needsPypdf`.
    static func python(_ script: String, _ arguments: [String] = [], needsPypdf: Bool = false) throws -> Result {
        if needsPypdf {
            let check = try run("python3", ["-c", "import pypdf"])
            guard check.status == 0 else { throw Missing(description: "Python package pypdf missing; install it: pip install pypdf") }
        }
        return try run("python3", ["-c", script] + arguments)
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "pdfwriter-\(UUID().uuidString)\(suffix)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

import Foundation

/// A running `Tests/python/smtp_sink.py` (aiosmtpd) on 127.0.0.1: its port and its mail directory.
final class SMTPSink {
    let process = Process()
    let port: Int
    let directory: URL

    init(_ options: [String] = []) throws {
        directory = try MailTestSupport.temporaryDirectory()
        let script = MailTestSupport.root.appendingPathComponent("Tests/python/smtp_sink.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory.path] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "smtp_sink.py did not start (pip install aiosmtpd)"])
        }
        self.port = port
    }

    /// The .eml files received so far, in arrival order.
    var messages: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropLast(4)) ?? 0 < Int($1.dropLast(4)) ?? 0 }
            .map { directory.appendingPathComponent($0) }
    }

    func stop() {
        // SIGKILL: the test runner's threads block SIGTERM, and spawned children inherit that mask.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

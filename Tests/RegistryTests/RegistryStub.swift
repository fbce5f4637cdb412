import Foundation

/// Runs `Tests/python/registry_stub.py` (the loopback findById/party server) as a child
/// process for one test and stops it when released.
final class RegistryStub {
    static let token = "test-token"
    let process = Process()
    let port: Int

    /// The repository root, found from this file's path (…/Tests/RegistryTests/RegistryStub.swift).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    init(slowSeconds: Double = 3) throws {
        let script = Self.repositoryRoot.appendingPathComponent("Tests/python/registry_stub.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--port", "0", "--token", Self.token, "--slow-seconds", String(slowSeconds)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is the port.
        var line: [UInt8] = []
        let reader = output.fileHandleForReading
        while true {
            let byte = reader.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw FixtureError(message: "registry_stub.py did not print its port")
        }
        self.port = port
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

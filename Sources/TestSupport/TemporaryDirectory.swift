import Foundation

/// A fresh directory under the system's temporary directory, removed when released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "crmd-test") throws {
        // Unix socket paths are limited to 108 bytes: keep the directory short.
        path = "/tmp/\(prefix)-\(UInt32.random(in: 0...UInt32.max))-\(getpid())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

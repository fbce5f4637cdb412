import Foundation
import Testing
@testable import CRM

/// A file written whole or not at all, with its size and SHA-256 counted as it is written.
@Suite struct ExportFileTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
    }

    @Test func replacesTheTargetOnlyWhenWhole() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("orders.xml")
        try Data("old".utf8).write(to: target)
        var file = try ExportFile(path: target.path)
        try file.write(Array("<a>".utf8))
        // Until the commit, the old file is what a reader sees; the new bytes are in a hidden file beside it.
        #expect(try Data(contentsOf: target) == Data("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 2)
        try file.write([UInt8](repeating: 0x78, count: 100_000))
        try file.write(Array("</a>".utf8))
        let (bytes, sha256) = try file.commit()
        let written = try Data(contentsOf: target)
        #expect(bytes == Int64(written.count) && bytes == 100_007)
        #expect(sha256 == SHA256.hex([UInt8](written)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["orders.xml"])
        let mode = try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func aFailedPutLeavesNothingBehind() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("orders.xml")
        var file = try ExportFile(path: target.path)
        try file.write(Array("<a/>".utf8))
        // Something that is no file takes the name meanwhile: rename cannot replace a directory that holds files.
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("x".utf8).write(to: target.appendingPathComponent("inside"))
        #expect {
            try file.commit()
        } throws: { error in
            guard case CRMError.invalidValue(let field, let reason, _) = error else { return false }
            return field == "path" && reason == "cannotWrite"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["orders.xml"])

        var discarded = try ExportFile(path: dir.appendingPathComponent("other.xml").path)
        try discarded.write(Array("<a/>".utf8))
        discarded.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["orders.xml"])
    }

    @Test func aDirectoryThatIsGoneIsCannotWrite() throws {
        #expect {
            _ = try ExportFile(path: "/nonexistent-crmd-dir/orders.xml")
        } throws: { error in
            guard case CRMError.invalidValue(_, let reason, let message) = error else { return false }
            return reason == "cannotWrite" && message.contains("No such file")
        }
    }
}

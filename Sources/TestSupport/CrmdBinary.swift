import Foundation

/// Where the built `crmd` executable is: `$CRMD_BIN`, else beside the test bundle in the
/// build directory (`.build/debug/crmd`).
public enum CrmdBinary {
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["CRMD_BIN"], !explicit.isEmpty { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("crmd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.appendingPathComponent(".build/debug/crmd").path
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// What only crmd's config file sets, never a call: the programs crmd runs and the directories
/// whose files a call may name. Whoever can reach the socket can change `settings`, but cannot
/// make crmd run a program or read a file outside these.
package struct LocalConfiguration: Sendable, Equatable {
    /// The sendmail program of `settings.mail.transport = "sendmail"`.
    package var sendmailPath: String
    /// The program of `settings.sms.transport = "command"` (`sms.commandPath`); none by default,
    /// so that transport cannot be chosen until the config file names one.
    package var smsCommandPath: String?
    /// Absolute directories whose files `registry.import` may read (none by default).
    package var importDirectories: [String]
    /// Absolute directories whose fonts `settings.documents.fontPath`/`boldFontPath` may name.
    package var fontDirectories: [String]

    package static let defaultFontDirectories = ["/usr/share/fonts", "/usr/local/share/fonts"]

    package init(sendmailPath: String = "/usr/sbin/sendmail", smsCommandPath: String? = nil, importDirectories: [String] = [],
                 fontDirectories: [String] = LocalConfiguration.defaultFontDirectories) {
        self.sendmailPath = sendmailPath
        self.smsCommandPath = smsCommandPath
        self.importDirectories = importDirectories
        self.fontDirectories = fontDirectories
    }

    /// `path` made absolute and normal if it names a file under one of `importDirectories`,
    /// symbolic links resolved; otherwise 1007 `{field, reason: "outsideImportDirs"}`. The
    /// refusal is decided before the file system is asked anything about `path`, and is the same
    /// whether or not such a file exists.
    package func importablePath(_ path: String, field: String) throws -> String {
        try Self.path(path, field: field, under: importDirectories, key: "importDirs", reason: "outsideImportDirs", what: "files can be imported")
    }

    /// `path` if it names a file under one of `fontDirectories` (as `importablePath`), else
    /// 1007 `{field, reason: "outsideFontDirs"}`.
    package func fontPath(_ path: String, field: String) throws -> String {
        try Self.path(path, field: field, under: fontDirectories, key: "fontDirs", reason: "outsideFontDirs", what: "fonts can be read")
    }

    private static func path(_ path: String, field: String, under allowed: [String], key: String, reason: String, what: String) throws -> String {
        let refusal = CRMError.invalidValue(
            field: field, reason: reason,
            message: allowed.isEmpty
                ? "\(what) only from the directories listed in \(key) of crmd's config file, and none is listed"
                : "\(what) only from the directories listed in \(key) of crmd's config file: " + allowed.joined(separator: ", "))
        guard let normal = Self.normalized(path) else { throw refusal }
        let directories = allowed.compactMap(Self.normalized)
        guard directories.contains(where: { Self.isInside(normal, $0) }) else { throw refusal }
        // Inside lexically; a symbolic link on the way must not lead out of the directories.
        guard let resolved = Self.realPath(normal) else { return normal }
        let resolvedDirectories = directories.map { Self.realPath($0) ?? $0 }
        guard resolvedDirectories.contains(where: { Self.isInside(resolved, $0) }) else { throw refusal }
        return resolved
    }

    /// An absolute path without `.`, `..` and empty components; nil for a relative path.
    static func normalized(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" ? path != "/" : path.hasPrefix(directory + "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

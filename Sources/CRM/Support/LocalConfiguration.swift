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
    /// Absolute directories `exchange.export1C {path}` may write files into (none by default).
    package var exportDirectories: [String]
    /// crmd's own directory for files it writes for itself — the 1C exchange's `query` file —
    /// beside the database (`spool`), made 0700 when first needed; set by the server, never by
    /// the config file. `exchange.export1C {path}` may write there too.
    package var spoolDirectory: String?

    package static let defaultFontDirectories = ["/usr/share/fonts", "/usr/local/share/fonts"]

    package init(sendmailPath: String = "/usr/sbin/sendmail", smsCommandPath: String? = nil, importDirectories: [String] = [],
                 fontDirectories: [String] = LocalConfiguration.defaultFontDirectories, exportDirectories: [String] = []) {
        self.sendmailPath = sendmailPath
        self.smsCommandPath = smsCommandPath
        self.importDirectories = importDirectories
        self.fontDirectories = fontDirectories
        self.exportDirectories = exportDirectories
        spoolDirectory = nil
    }

    /// `path` made absolute and normal if it names a file under one of `importDirectories`,
    /// symbolic links resolved; otherwise 1007 `{field, reason: "outsideImportDirs"}`. The
    /// refusal is decided before the file system is asked anything about `path`, and is the same
    /// whether or not such a file exists.
    package func importablePath(_ path: String, field: String) throws -> String {
        try Self.path(path, field: field, under: importDirectories, key: "importDirs", reason: "outsideImportDirs", what: "files can be imported only from")
    }

    /// `path` if it names a file under one of `fontDirectories` (as `importablePath`), else
    /// 1007 `{field, reason: "outsideFontDirs"}`.
    package func fontPath(_ path: String, field: String) throws -> String {
        try Self.path(path, field: field, under: fontDirectories, key: "fontDirs", reason: "outsideFontDirs", what: "fonts can be read only from")
    }

    /// Where a file named `path` may be written: under one of `exportDirectories` (else 1007
    /// `{field, reason: "outsideExportDirs"}`, decided before the file system is asked), in a
    /// directory that exists (else 1007 `noSuchDirectory`) and that, symbolic links resolved,
    /// is still under one of them; the path returned is that real directory and the file's name.
    /// A regular file of that name may exist (it is replaced whole); anything else there (a
    /// directory, a symbolic link, a FIFO) is 1007 `notAFile`.
    package func exportablePath(_ path: String, field: String) throws -> String {
        let refusal = Self.refusal(field: field, reason: "outsideExportDirs", key: "exportDirs", allowed: exportDirectories,
                                   what: "files can be written only into")
        guard let normal = Self.normalized(path), let slash = normal.lastIndex(of: "/") else { throw refusal }
        let directories = (exportDirectories + [spoolDirectory].compactMap { $0 }).compactMap(Self.normalized)
        guard directories.contains(where: { Self.isInside(normal, $0) }) else { throw refusal }
        let name = String(normal[normal.index(after: slash)...])
        let parent = slash == normal.startIndex ? "/" : String(normal[..<slash])
        guard let resolvedParent = Self.realPath(parent) else {
            throw CRMError.invalidValue(field: field, reason: "noSuchDirectory", message: "\(parent) does not exist")
        }
        let candidate = resolvedParent == "/" ? "/" + name : resolvedParent + "/" + name
        let resolvedDirectories = directories.map { Self.realPath($0) ?? $0 }
        guard resolvedDirectories.contains(where: { Self.isInside(candidate, $0) }) else { throw refusal }
        var status = stat()
        if lstat(candidate, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw CRMError.invalidValue(field: field, reason: "notAFile",
                                        message: "\(candidate) is \(status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "not a regular file")")
        }
        return candidate
    }

    /// 1007 `{field, reason}` naming the config file's key and the directories it lists.
    private static func refusal(field: String, reason: String, key: String, allowed: [String], what: String) -> CRMError {
        .invalidValue(field: field, reason: reason,
                      message: allowed.isEmpty
                          ? "\(what) the directories listed in \(key) of crmd's config file, and none is listed"
                          : "\(what) the directories listed in \(key) of crmd's config file: " + allowed.joined(separator: ", "))
    }

    private static func path(_ path: String, field: String, under allowed: [String], key: String, reason: String, what: String) throws -> String {
        let refusal = Self.refusal(field: field, reason: reason, key: key, allowed: allowed, what: what)
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

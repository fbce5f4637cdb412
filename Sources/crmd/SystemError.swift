import Storage
#if canImport(Glibc)
import Glibc
#endif

/// The words crmd uses on stderr for a failure: what a person can act on ("permission denied",
/// "file is not a database"), without error domains, codes or SQL text.
enum SystemError {
    /// The system's text for an errno, starting in lower case: "permission denied".
    static func text(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Why the database at `path` cannot be used, to follow "cannot open the database PATH: ":
    /// SQLite's message without its result code and statement, and without the path when the
    /// message starts by naming it again.
    static func database(_ error: any Error, path: String) -> String {
        guard let failure = error as? SQLiteError else { return "\(error)" }
        var message = Substring(failure.message)
        if message.hasPrefix("cannot open \(path): ") { message = message.dropFirst("cannot open \(path): ".count) }
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Directories crmd creates for its database and socket: mode 0700 whatever the umask. A
/// directory that already exists is left as it is (it may be the user's working directory).
enum PrivateDirectory {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func create(_ path: String) throws(Failure) {
        guard !path.isEmpty else { return }
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw Failure(description: "not a directory: \(path)") }
            return
        }
        try create((path as NSString).deletingLastPathComponent)
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw Failure(description: "\(SystemError.text(errno)): \(path)")
        }
        guard chmod(path, 0o700) == 0 else {
            throw Failure(description: "\(SystemError.text(errno)): \(path)")
        }
    }
}

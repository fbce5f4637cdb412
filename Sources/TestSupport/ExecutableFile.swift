import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a program for a test to run (a stand-in sendmail, an SMS command) through a
/// close-on-exec descriptor. `String.write(to:atomically:)` leaves its descriptor to any child
/// another test's thread spawns meanwhile, and while that child lives — a stand-in told to
/// sleep 30 s, say — the file cannot be run: exec fails with ETXTBSY ("Text file busy").
public func writeExecutable(_ text: String, to url: URL, mode: mode_t = 0o755) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        offset += written
    }
    guard fchmod(fd, mode) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
}

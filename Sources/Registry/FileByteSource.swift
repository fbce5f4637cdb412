#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A whole file read from the start with `read(2)`; closed when released.
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private(set) var bytesRead: Int64 = 0

    init(path: String) throws(RegistryError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .badFile(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let count = systemRead(descriptor, base, buffer.count)
            if count >= 0 {
                bytesRead += Int64(count)
                return count
            }
            if errno != EINTR {
                throw .badFile(reason: "cannot read the file: \(String(cString: strerror(errno)))")
            }
        }
    }
}

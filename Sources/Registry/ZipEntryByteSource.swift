import Zip

/// One entry of a ZIP archive, decompressed as it is read.
final class ZipEntryByteSource: ByteSource {
    private let reader: ZipEntryReader
    /// Compressed bytes of the archive's earlier entries, so progress runs over the whole file.
    private let offset: Int64

    init(reader: ZipEntryReader, bytesBefore offset: Int64) {
        self.reader = reader
        self.offset = offset
    }

    var bytesRead: Int64 { offset + reader.compressedBytesRead }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int {
        do {
            return try reader.read(into: buffer)
        } catch {
            throw RegistryError(zipError: error)
        }
    }
}

extension RegistryError {
    /// A ZIP problem as an import error: unsupported features stay distinguishable from damage.
    init(zipError: ZipError) {
        switch zipError {
        case .unsupportedMethod, .unsupported: self = .unsupportedFormat(zipError.description)
        default: self = .badFile(reason: zipError.description)
        }
    }
}

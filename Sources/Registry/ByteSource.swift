/// The raw bytes of one XML document, read in pieces: a plain file or an entry of a ZIP archive.
///
/// `read` returns 0 only at the end; `bytesRead` counts bytes taken from the file on disk
/// (compressed bytes for a ZIP entry), which is what import progress reports.
protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int
    var bytesRead: Int64 { get }
}

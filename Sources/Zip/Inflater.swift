/// A streaming decoder of raw DEFLATE data (RFC 1951): stored, fixed-Huffman and
/// dynamic-Huffman blocks with a 32 KiB window.
///
/// Feed the compressed bytes in chunks of any size with `inflate(_:output:)`; decoded bytes come
/// back through `output` in chunks of at most `Inflater.chunkSize` bytes, each valid only for
/// the duration of the call. Call `finish()` after the last chunk: it throws `.truncated` unless
/// the final block was complete. Bytes after the final block are ignored. Memory stays at about
/// 300 KiB whatever the stream's length. Bad data throws an `InflateError` (and every later call
/// throws it again); it never traps or loops. A copy of an `Inflater` is independent
/// (copy-on-write).
public struct Inflater {
    /// The most bytes one `output` call receives.
    public static let chunkSize = InflaterCore.capacity

    private var core = InflaterCore()

    public init() {}

    /// Whether the final block has been decoded.
    public var isFinished: Bool { core.isFinished }

    /// Decoded bytes produced so far.
    public var totalOutput: Int64 { core.totalOutput }

    /// Decodes `input`, the next bytes of the stream, passing the output to `output`. An error
    /// thrown by `output` stops decoding and is rethrown.
    public mutating func inflate(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if !isKnownUniquelyReferenced(&core) { core = core.copy() }
        try core.inflate(input, output: output)
    }

    public mutating func inflate(_ input: [UInt8], output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try input.withUnsafeBytes { try inflate($0, output: output) }
    }

    /// Declares the end of the input: throws unless the final block was complete.
    public func finish() throws(InflateError) {
        try core.finish()
    }

    /// Decodes a whole raw DEFLATE stream held in memory.
    public static func inflate(_ data: [UInt8]) throws(InflateError) -> [UInt8] {
        var inflater = Inflater()
        var result: [UInt8] = []
        do {
            try inflater.inflate(data) { result.append(contentsOf: $0) }
        } catch let error as InflateError {
            throw error
        } catch {
            throw .invalid("\(error)")  // unreachable: the closure above does not throw
        }
        try inflater.finish()
        return result
    }
}

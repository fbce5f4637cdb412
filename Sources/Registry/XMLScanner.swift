#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming, non-validating XML tokenizer for data-file formats: elements and attributes,
/// read from a `ByteSource` through a fixed buffer, so a file of any size takes flat memory.
///
/// It reports element starts (with their attributes) and ends; text, comments, processing
/// instructions, CDATA and a DOCTYPE are skipped. It checks what a registry import relies on:
/// exactly one root element, every end tag matching its start tag, attributes quoted and
/// separated, only blanks outside the root, no `<` in an attribute value, and a file that does
/// not end inside an element. Any breach throws `RegistryError.badFile` naming it. The input is
/// UTF-8 or windows-1251 (converted to UTF-8 as it is read); the element name and attribute
/// spans of the current token point into the buffer and are valid until the next `next()`.
final class XMLScanner {
    enum Token: Equatable {
        case start
        case end
        case endOfDocument
    }

    struct AttributeSpan {
        var nameStart: Int
        var nameLength: Int
        var valueStart: Int
        var valueLength: Int
        var needsDecoding: Bool
    }

    static let initialCapacity = 256 * 1024
    static let maximumCapacity = 64 * 1024 * 1024

    let source: ByteSource
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    /// Unconsumed data is `buffer[start..<end]`.
    var start = 0
    var end = 0
    /// Undecoded bytes (windows-1251 input, and the first read).
    private var raw = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    private var rawCapacity = 1
    private var encoding: XMLEncoding?
    private var sourceEnded = false

    /// The current element's name: `buffer[nameStart..<nameStart + nameLength]`.
    var nameStart = 0
    var nameLength = 0
    /// The current element's attributes: `attributeSpans[0..<attributeCount]`.
    var attributeSpans: UnsafeMutablePointer<AttributeSpan>
    var attributeCount = 0
    var attributeCapacity = 32
    private var pendingEnd = false

    /// Names of the open elements, back to back, with where each starts.
    private var openNames: [UInt8] = []
    private var openOffsets: [Int] = []
    private var sawRoot = false

    init(source: ByteSource) {
        self.source = source
        capacity = Self.initialCapacity
        buffer = .allocate(capacity: capacity)
        attributeSpans = .allocate(capacity: attributeCapacity)
    }

    deinit {
        buffer.deallocate()
        attributeSpans.deallocate()
        raw.deallocate()
    }

    /// Open elements, the current one included (1 inside the root).
    var depth: Int { openOffsets.count }

    /// The declared or detected encoding (known after the first token).
    var detectedEncoding: XMLEncoding? { encoding }

    func next() throws(RegistryError) -> Token {
        if pendingEnd {
            pendingEnd = false
            popName()
            return .end
        }
        while true {
            guard let open = findByte(UInt8(ascii: "<"), from: start) else {
                try checkText(start, end)
                start = end
                if try !fill() { return try endOfInput() }
                continue
            }
            if open > start {
                try checkText(start, open)
                start = open
            }
            switch try scanMarkup() {
            case .incomplete:
                if try !fill() { throw truncated() }
            case .skipped(let next):
                start = next
            case .start(let next, let selfClosing):
                start = next
                try pushName()
                pendingEnd = selfClosing
                return .start
            case .end(let next):
                try checkEndTagMatches()
                start = next
                popName()
                return .end
            }
        }
    }

    /// Whether the current element's name is `name` (UTF-8 bytes).
    @inline(__always)
    func nameIs(_ name: [UInt8]) -> Bool {
        name.count == nameLength && name.withUnsafeBytes { memcmp($0.baseAddress!, buffer + nameStart, nameLength) == 0 }
    }

    /// The current element's name as text (for messages).
    var name: String { String(decoding: UnsafeBufferPointer(start: buffer + nameStart, count: nameLength), as: UTF8.self) }

    // MARK: Buffer

    @inline(__always)
    func findByte(_ byte: UInt8, from index: Int) -> Int? {
        guard index < end, let found = memchr(buffer + index, Int32(byte), end - index) else { return nil }
        return buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Moves the unconsumed bytes to the front (growing the buffer when they fill it) and reads
    /// more; `false` at the end of the input.
    private func fill() throws(RegistryError) -> Bool {
        if sourceEnded { return false }
        if start > 0 {
            if end > start { UnsafeMutableRawPointer(buffer).copyMemory(from: buffer + start, byteCount: end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < Self.maximumCapacity else {
                throw .badFile(reason: "a single tag is longer than \(Self.maximumCapacity >> 20) MiB")
            }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        let room = capacity - end
        if encoding == nil {
            return try readFirst(room: room)
        }
        if encoding == .utf8 {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: room))
            if count == 0 { sourceEnded = true }
            end += count
            return count > 0
        }
        let rawRoom = max(1, room / Windows1251.maxExpansion)
        reserveRaw(rawRoom)
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: raw, count: rawRoom))
        if count == 0 {
            sourceEnded = true
            return false
        }
        end += Windows1251.transcode(UnsafeRawBufferPointer(start: raw, count: count), into: buffer + end)
        return true
    }

    private func reserveRaw(_ count: Int) {
        guard rawCapacity < count else { return }
        raw.deallocate()
        raw = .allocate(byteCount: count, alignment: 1)
        rawCapacity = count
    }

    /// Reads the first bytes, finds the encoding, and puts them in the buffer as UTF-8.
    private func readFirst(room: Int) throws(RegistryError) -> Bool {
        let wanted = room / Windows1251.maxExpansion
        reserveRaw(wanted)
        var count = 0
        // Collect enough for the declaration even from a source that returns little at a time.
        while count < min(1024, wanted) {
            let read = try source.read(into: UnsafeMutableRawBufferPointer(start: raw + count, count: wanted - count))
            if read == 0 {
                sourceEnded = true
                break
            }
            count += read
        }
        let (encoding, skip) = try XMLEncoding.detect(UnsafeRawBufferPointer(start: raw, count: count))
        self.encoding = encoding
        let body = UnsafeRawBufferPointer(start: raw + skip, count: count - skip)
        if encoding == .utf8 {
            UnsafeMutableRawPointer(buffer + end).copyMemory(from: raw + skip, byteCount: count - skip)
            end += count - skip
        } else {
            end += Windows1251.transcode(body, into: buffer + end)
        }
        return count > skip
    }

    // MARK: Structure

    private func pushName() throws(RegistryError) {
        if openOffsets.isEmpty {
            guard !sawRoot else { throw .badFile(reason: "a second root element <\(name)> after the first one closed") }
            sawRoot = true
        }
        openOffsets.append(openNames.count)
        openNames.append(contentsOf: UnsafeBufferPointer(start: buffer + nameStart, count: nameLength))
    }

    private func popName() {
        guard let offset = openOffsets.popLast() else { return }
        openNames.removeSubrange(offset...)
    }

    private func checkEndTagMatches() throws(RegistryError) {
        guard let offset = openOffsets.last else {
            throw .badFile(reason: "end tag </\(name)> without a start tag")
        }
        let matches = openNames.count - offset == nameLength
            && openNames.withUnsafeBytes { memcmp($0.baseAddress! + offset, buffer + nameStart, nameLength) == 0 }
        guard matches else {
            let open = String(decoding: openNames[offset...], as: UTF8.self)
            throw .badFile(reason: "end tag </\(name)> does not match the open element <\(open)>")
        }
    }

    /// Text is skipped, but outside the root element only blanks may appear.
    private func checkText(_ from: Int, _ to: Int) throws(RegistryError) {
        guard openOffsets.isEmpty else { return }
        for index in from..<to {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default:
                throw .badFile(reason: sawRoot ? "text after the root element" : "not an XML document (text before the first element)")
            }
        }
    }

    private func endOfInput() throws(RegistryError) -> Token {
        guard sawRoot else { throw .badFile(reason: "not an XML document (no element found)") }
        guard openOffsets.isEmpty else { throw truncated() }
        return .endOfDocument
    }

    private func truncated() -> RegistryError {
        if let offset = openOffsets.last {
            let open = String(decoding: openNames[offset...], as: UTF8.self)
            return .badFile(reason: "the file ends inside element <\(open)> (truncated?)")
        }
        return .badFile(reason: "the file ends inside a tag (truncated?)")
    }
}

/// `METHOD SP request-target SP HTTP/1.x`, checked byte by byte (RFC 9112 §3).
struct RequestLine {
    let method: String
    let target: String
    let minorVersion: Int

    /// Reads `line` (without its CRLF).
    init(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: UInt8(ascii: " ")) else {
            throw .badRequest("request line is not METHOD SP target SP version")
        }
        let method = 0..<firstSpace, target = (firstSpace + 1)..<secondSpace, version = (secondSpace + 1)..<line.count
        guard !method.isEmpty, method.allSatisfy({ isTokenByte(line[$0]) }) else { throw .badRequest("bad method") }
        guard !target.isEmpty, target.allSatisfy({ line[$0] > 0x20 && line[$0] < 0x7F }) else { throw .badRequest("bad request-target") }
        let at = version.lowerBound
        guard version.count == 8, ByteScanning.string(line, at..<(at + 5)) == "HTTP/",
              let major = asciiDigit(line[at + 5]), line[at + 6] == UInt8(ascii: "."), let minor = asciiDigit(line[at + 7]) else {
            throw .badRequest("bad HTTP version")
        }
        guard major == 1 && minor <= 1 else { throw .versionNotSupported }
        self.method = ByteScanning.string(line, method)
        self.target = ByteScanning.string(line, target)
        self.minorVersion = minor
    }

    /// The target's path, percent-decoded, and its raw query; only origin-form and `OPTIONS *` are served.
    func pathAndQuery() throws(HTTPParseError) -> (String, String?) {
        if target == "*" {
            guard method == "OPTIONS" else { throw .badRequest("request-target * is for OPTIONS only") }
            return ("*", nil)
        }
        let utf8 = target.utf8
        guard utf8.first == UInt8(ascii: "/") else { throw .badRequest("request-target must start with /") }
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return (try Self.percentDecoded(utf8[...]), nil) }
        return (try Self.percentDecoded(utf8[..<mark]), String(target[target.index(after: mark)...]))
    }

    private static func percentDecoded(_ encoded: Substring.UTF8View) throws(HTTPParseError) -> String {
        guard encoded.contains(UInt8(ascii: "%")) else { return String(decoding: encoded, as: UTF8.self) }
        var decoded = [UInt8]()
        decoded.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index != encoded.endIndex {
            let byte = encoded[index]
            index = encoded.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                continue
            }
            guard index != encoded.endIndex, let high = hexDigit(encoded[index]) else { throw .badRequest("bad percent-encoding in path") }
            index = encoded.index(after: index)
            guard index != encoded.endIndex, let low = hexDigit(encoded[index]) else { throw .badRequest("bad percent-encoding in path") }
            index = encoded.index(after: index)
            guard high != 0 || low != 0 else { throw .badRequest("NUL in path") }
            decoded.append(high << 4 | low)
        }
        guard let path = String(validating: decoded, as: UTF8.self) else { throw .badRequest("path is not UTF-8") }
        return path
    }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked

    init(_ headers: HTTPHeaders, limits: HTTPLimits) throws(HTTPParseError) {
        let codings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw .badRequest("both Content-Length and Transfer-Encoding") }
            var elements = 0
            var hasEmptyElement = false
            for coding in codings {
                try ByteScanning.withBytes(of: coding) { (value) throws(HTTPParseError) in
                    let list = ByteScanning.listElements(value)
                    for element in list where !element.isEmpty && ByteScanning.string(value, element).lowercased() != "chunked" {
                        throw .notImplemented("Transfer-Encoding \(ByteScanning.string(value, element))")
                    }
                    elements += list.count
                    hasEmptyElement = hasEmptyElement || list.contains { $0.isEmpty }
                }
            }
            guard elements == 1 && !hasEmptyElement else { throw .badRequest("Transfer-Encoding must be chunked, once") }
            self = .chunked
            return
        }
        var length: Int?
        for value in lengths {
            try ByteScanning.withBytes(of: value) { (value) throws(HTTPParseError) in
                for element in ByteScanning.listElements(value) {
                    let number = try Self.contentLength(value, element)
                    guard length == nil || length == number else { throw .badRequest("differing Content-Length values") }
                    length = number
                }
            }
        }
        guard let length else {
            self = .none
            return
        }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        self = length == 0 ? .none : .length(length)
    }

    /// One Content-Length: decimal digits only; a value too long for an `Int` is too large a body.
    private static func contentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseError) -> Int {
        guard !range.isEmpty, range.allSatisfy({ asciiDigit(bytes[$0]) != nil }) else { throw .badRequest("bad Content-Length") }
        var value = 0
        for index in range {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow, shifted <= Int.max - 9 else { throw .bodyTooLarge }
            value = shifted + Int(bytes[index] - UInt8(ascii: "0"))
        }
        return value
    }
}

extension HTTPRequestParser {
    /// A `name: value` field line (without its CRLF): the name a token right before the colon,
    /// the value without surrounding whitespace and free of control characters.
    static func field(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first, !ByteScanning.isWhitespace(first) else { throw .badRequest("obsolete line folding") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("header field without a colon") }
        guard colon > 0 else { throw .badRequest("empty header field name") }
        guard (0..<colon).allSatisfy({ isTokenByte(line[$0]) }) else {
            throw .badRequest(ByteScanning.isWhitespace(line[colon - 1]) ? "whitespace before the colon of a header field" : "bad header field name")
        }
        let value = ByteScanning.trimmed(line, (colon + 1)..<line.count)
        guard value.allSatisfy({ ByteScanning.isFieldValueByte(line[$0]) }) else {
            throw .badRequest("control character in a header field value")
        }
        return (ByteScanning.string(line, 0..<colon), ByteScanning.string(line, value))
    }

    /// A chunk-size line (without its CRLF): hex digits, then optionally whitespace and `;` extensions, which are ignored.
    static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var index = 0
        var size = 0
        while index < line.count, let digit = hexDigit(line[index]) {
            guard size <= Int.max >> 4 else { throw .bodyTooLarge }
            size = size << 4 | Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badRequest("bad chunk size") }
        while index < line.count && ByteScanning.isWhitespace(line[index]) { index += 1 }
        guard index == line.count || line[index] == UInt8(ascii: ";") else { throw .badRequest("bad chunk size") }
        guard (index..<line.count).allSatisfy({ ByteScanning.isFieldValueByte(line[$0]) }) else {
            throw .badRequest("control character in a chunk extension")
        }
        return size
    }
}

/// tchar of RFC 9110 §5.6.2.
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
    default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

func asciiDigit(_ byte: UInt8) -> Int? {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
}

func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

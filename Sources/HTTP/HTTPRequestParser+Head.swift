/// `METHOD SP request-target SP HTTP/1.x`, checked byte by byte (RFC 9112 §3).
struct RequestLine {
    let method: String
    let target: String
    let minorVersion: Int

    init(_ line: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) {
        let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .badRequest("request line is not METHOD SP target SP version") }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { throw .badRequest("bad method") }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .badRequest("bad request-target") }
        guard version.count == 8, version.starts(with: "HTTP/".utf8),
              let major = asciiDigit(version[version.startIndex + 5]), version[version.startIndex + 6] == UInt8(ascii: "."),
              let minor = asciiDigit(version[version.startIndex + 7]) else {
            throw .badRequest("bad HTTP version")
        }
        guard major == 1 && minor <= 1 else { throw .versionNotSupported }
        self.method = String(decoding: method, as: UTF8.self)
        self.target = String(decoding: target, as: UTF8.self)
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
            let tokens = codings.flatMap { $0.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) }
                .map { String(decoding: $0.trimmingOptionalWhitespace(), as: UTF8.self) }
            if let other = tokens.first(where: { !HTTPHeaders.namesMatch($0, "chunked") && !$0.isEmpty }) {
                throw .notImplemented("Transfer-Encoding \(other)")
            }
            guard tokens.count == 1, !tokens[0].isEmpty else {
                throw .badRequest("Transfer-Encoding must be chunked, once")
            }
            self = .chunked
            return
        }
        var length: Int?
        for element in lengths.flatMap({ $0.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) }) {
            let digits = element.trimmingOptionalWhitespace()
            guard !digits.isEmpty, digits.allSatisfy({ asciiDigit($0) != nil }) else { throw .badRequest("bad Content-Length") }
            let significant = digits.drop { $0 == UInt8(ascii: "0") }
            guard significant.count <= 18 else { throw .bodyTooLarge }
            let value = significant.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard length == nil || length == value else { throw .badRequest("differing Content-Length values") }
            length = value
        }
        guard let length else {
            self = .none
            return
        }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        self = length == 0 ? .none : .length(length)
    }
}

extension HTTPRequestParser {
    /// A `name: value` field line: the name a token right before the colon, the value without
    /// surrounding whitespace and free of control characters.
    static func field(_ line: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
            throw .badRequest("obsolete line folding")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("header field without a colon") }
        let name = line[..<colon]
        guard !name.isEmpty else { throw .badRequest("empty header field name") }
        guard name.allSatisfy(isTokenByte) else {
            throw .badRequest(name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t")
                              ? "whitespace before the colon of a header field" : "bad header field name")
        }
        let value = line[(colon + 1)...].trimmingOptionalWhitespace()
        guard value.allSatisfy({ $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .badRequest("control character in a header field value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// A chunk-size line: hex digits, then optionally whitespace and `;` extensions, which are ignored.
    static func chunkSize(_ line: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> Int {
        let digits = line.prefix { hexDigit($0) != nil }
        guard !digits.isEmpty else { throw .badRequest("bad chunk size") }
        let rest = line[digits.endIndex...]
        let extensions = rest.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard rest.isEmpty || extensions.first == UInt8(ascii: ";") else { throw .badRequest("bad chunk size") }
        guard extensions.allSatisfy({ $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .badRequest("control character in a chunk extension")
        }
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= 15 else { throw .bodyTooLarge }
        return significant.reduce(0) { $0 << 4 | Int(hexDigit($1)!) }
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

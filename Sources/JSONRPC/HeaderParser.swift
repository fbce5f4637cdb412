/// Reads the header block of an LSP-style frame: `Name: value` lines; only `Content-Length`
/// matters, and it must appear exactly once as a plain decimal number.
enum HeaderParser {
    static func contentLength(of headers: ArraySlice<UInt8>, limit: Int) -> Result<Int, MessageFramer.FramingError> {
        var length: Int?
        for rawLine in headers.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(.malformedHeader("a header line has no ':'"))
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                return .failure(.malformedHeader("invalid header name"))
            }
            guard name.map(MessageFramer.lowercased).elementsEqual("content-length".utf8) else { continue }
            guard length == nil else {
                return .failure(.malformedHeader("Content-Length given twice"))
            }
            let value = trimmed(line[(colon + 1)...])
            guard !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(.malformedHeader("Content-Length is not a decimal number"))
            }
            var parsed = 0
            for digit in value {
                parsed = parsed * 10 + Int(digit - 0x30)
                if parsed > limit { return .failure(.messageTooLarge(limit: limit)) }
            }
            length = parsed
        }
        guard let length else { return .failure(.malformedHeader("no Content-Length header")) }
        return .success(length)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}

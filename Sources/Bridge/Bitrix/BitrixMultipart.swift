import Foundation

/// The text fields of a `multipart/form-data` body (RFC 7578) as name–value pairs; a part
/// that is a file upload is refused, since no CRM method of the facade takes files.
enum BitrixMultipart {
    static func pairs(of body: [UInt8], contentType: String) throws(BitrixError) -> [(String, String)] {
        guard let boundary = parameter("boundary", of: contentType), !boundary.isEmpty else {
            throw .invalidRequest("multipart/form-data without a boundary")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var pairs: [(String, String)] = []
        var parts = split(body, by: delimiter)
        guard parts.count >= 2 else { throw .invalidRequest("A multipart body without its boundary") }
        parts.removeFirst()   // the preamble
        for part in parts {
            if part.starts(with: Array("--".utf8)) { break }   // the closing delimiter
            var bytes = part[...]
            if bytes.starts(with: [0x0D, 0x0A]) { bytes = bytes.dropFirst(2) }
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes) else {
                throw .invalidRequest("A multipart part without headers")
            }
            let headers = String(decoding: bytes[bytes.startIndex..<headerEnd], as: UTF8.self)
            var content = bytes[(headerEnd + 4)...]
            if content.count >= 2, content.suffix(2).elementsEqual([0x0D, 0x0A]) { content = content.dropLast(2) }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = parameter("name", of: String(disposition)) else {
                throw .invalidRequest("A multipart part without a name")
            }
            if parameter("filename", of: String(disposition)) != nil {
                throw .invalidRequest("File uploads are not supported")
            }
            guard let value = String(validating: content, as: UTF8.self) else {
                throw .invalidRequest("A multipart field that is not UTF-8")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// `name="value"` or `name=value` out of a header value.
    private static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func split(_ bytes: [UInt8], by delimiter: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var rest = bytes[...]
        while let index = find(delimiter, in: rest) {
            pieces.append(Array(rest[rest.startIndex..<index]))
            rest = rest[(index + delimiter.count)...]
        }
        pieces.append(Array(rest))
        return pieces
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

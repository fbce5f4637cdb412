/// The header fields of a request or response, in the order they came or were added.
/// Names compare case-insensitively (they are ASCII tokens); values are kept as sent.
package struct HTTPHeaders: Sendable, Equatable {
    package private(set) var pairs: [(name: String, value: String)]

    package init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, nil when the field is absent.
    package subscript(_ name: String) -> String? {
        pairs.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value of `name` in order; a comma-separated list in one field stays one value.
    package func values(_ name: String) -> [String] {
        pairs.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether any value of `name`, read as a comma-separated list, holds `token` (case-insensitive):
    /// `Connection: keep-alive, Upgrade` contains both `upgrade` and `Keep-Alive`.
    package func containsToken(_ name: String, _ token: String) -> Bool {
        values(name).contains { value in
            value.utf8.split(separator: UInt8(ascii: ",")).contains { element in
                Self.asciiCaseInsensitiveEqual(element.trimmingOptionalWhitespace(), token.utf8)
            }
        }
    }

    package mutating func add(_ name: String, _ value: String) {
        pairs.append((name: name, value: value))
    }

    /// Replaces every value of `name` with this one, at the place of the first.
    package mutating func set(_ name: String, _ value: String) {
        guard let first = pairs.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            return add(name, value)
        }
        pairs[first].value = value
        remove(name, after: first)
    }

    /// Removes every value of `name`.
    package mutating func remove(_ name: String) {
        pairs.removeAll { Self.namesMatch($0.name, name) }
    }

    private mutating func remove(_ name: String, after index: Int) {
        var kept = Array(pairs[...index])
        kept += pairs[(index + 1)...].filter { !Self.namesMatch($0.name, name) }
        pairs = kept
    }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    static func namesMatch(_ a: String, _ b: String) -> Bool {
        asciiCaseInsensitiveEqual(a.utf8, b.utf8)
    }

    static func asciiCaseInsensitiveEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

extension Collection<UInt8> {
    /// The bytes without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingOptionalWhitespace() -> SubSequence {
        let isWhitespace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let start = firstIndex { !isWhitespace($0) } ?? endIndex
        var end = endIndex
        var index = start
        while index != endIndex {
            if !isWhitespace(self[index]) { end = self.index(after: index) }
            index = self.index(after: index)
        }
        return self[start..<end]
    }
}

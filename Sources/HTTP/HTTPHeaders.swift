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
        ByteScanning.withBytes(of: token) { token in
            pairs.contains { pair in
                Self.namesMatch(pair.name, name) && ByteScanning.withBytes(of: pair.value) { value in
                    ByteScanning.listElements(value).contains { ByteScanning.equalsIgnoringCase(value, $0, token) }
                }
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
        var index = pairs.count - 1
        while index > first {
            if Self.namesMatch(pairs[index].name, name) { pairs.remove(at: index) }
            index -= 1
        }
    }

    /// Removes every value of `name`.
    package mutating func remove(_ name: String) {
        pairs.removeAll { Self.namesMatch($0.name, name) }
    }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Whether two field names are the same, ignoring ASCII case.
    static func namesMatch(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { ByteScanning.lowercased($0) == ByteScanning.lowercased($1) }
    }
}

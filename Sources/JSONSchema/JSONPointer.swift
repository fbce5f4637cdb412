import Foundation
import JSONKit

/// RFC 6901 JSON Pointers as token lists: `~0` stands for `~` and `~1` for `/`.
enum JSONPointer {
    static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func render(_ tokens: some Sequence<String>) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }

    /// The tokens of a pointer ("" is the whole document); nil for text that is not a pointer.
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else { token.append(character); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: return nil
                }
            }
            tokens.append(token)
        }
        return tokens
    }

    /// Tokens of a URI fragment: percent-decoded first, then read as a pointer.
    static func tokens(fragment: String) -> [String]? {
        guard let decoded = fragment.removingPercentEncoding else { return nil }
        return tokens(decoded)
    }

    static func resolve(_ tokens: some Sequence<String>, in document: JSON) -> JSON? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard isArrayIndex(token), let index = Int(token), index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func isArrayIndex(_ token: String) -> Bool {
        guard let first = token.utf8.first else { return false }
        return token.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (first != 0x30 || token.utf8.count == 1)
    }
}

@testable import JSONSchema
import Testing

/// URI resolution, JSON Pointers and exact decimals.
@Suite struct InternalsTests {
    /// RFC 3986 section 5.4 examples.
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"), ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"),
        ("..", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../g", "http://a/g"),
        ("../../../g", "http://a/g"), ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."),
        ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
        ("g:h", "g:h"), ("urn:x:y", "urn:x:y"),
    ])
    func resolvesReferences(_ reference: String, _ expected: String) {
        let base = URIReference("http://a/b/c/d;p?q")
        #expect(URIReference(reference).resolved(against: base).description == expected)
    }

    @Test func pointers() {
        #expect(JSONPointer.tokens("") == [])
        #expect(JSONPointer.tokens("/a~1b/~0c/") == ["a/b", "~c", ""])
        #expect(JSONPointer.tokens("a") == nil)
        #expect(JSONPointer.tokens("/a~2") == nil)
        #expect(JSONPointer.tokens(fragment: "/%24defs/a%20b") == ["$defs", "a b"])
        #expect(JSONPointer.render(["a/b", "~"]) == "/a~1b/~0")
    }

    @Test func decimals() throws {
        let pairs: [(String, String, Int)] = [
            ("1", "1.0", 0), ("-0", "0", 0), ("0.1", "1e-1", 0), ("-2", "1", -1), ("-2", "-3", 1),
            ("9007199254740993", "9007199254740992", 1), ("1.05", "1.1", -1), ("100", "99.999", 1), ("-0.5", "-0.25", -1),
        ]
        for (lhs, rhs, expected) in pairs {
            let l = try #require(ExactDecimal(lhs))
            let r = try #require(ExactDecimal(rhs))
            #expect(ExactDecimal.compare(l, r) == expected, "\(lhs) vs \(rhs)")
        }
        #expect(ExactDecimal("1.") == nil)
        #expect(ExactDecimal("abc") == nil)
        #expect(ExactDecimal("1e") == nil)
        #expect(ExactDecimal("1.e3") == nil)
        #expect(ExactDecimal("1.5e3").map { $0.canonicalText } == "15e2")
    }
}

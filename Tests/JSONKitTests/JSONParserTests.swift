import Testing
@testable import JSONKit

@Suite struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let value = try JSON.parse(#"{"a":[1,-2.5e3,true,false,null],"b":"x\"y\u0416\ud83d\ude00","c":{}}"#)
        #expect(value["a"] == [1, .number(JSONNumber("-2.5e3")!), true, false, .null])
        #expect(value["b"] == .string("x\"yЖ😀"))
        #expect(value["c"] == .object([:]))
    }

    @Test func keepsNumberTextExactly() throws {
        let value = try JSON.parse("[9007199254740993, 0.10, 1E+2]")
        #expect(value.text == "[9007199254740993,0.10,1E+2]")
        #expect(value.arrayValue?[0].int64Value == 9_007_199_254_740_993)
        #expect(value.arrayValue?[2].int64Value == 100)
    }

    @Test func numbersCompareByValue() {
        #expect(JSONNumber("1.0") == JSONNumber("1"))
        #expect(JSONNumber("1e2") == JSONNumber("100"))
        #expect(JSONNumber("0.1") != JSONNumber("0.10000001"))
        #expect(Set([JSON.number(JSONNumber("2.50")!), .number(JSONNumber("2.5")!)]).count == 1)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "\"\\x\"", "tru", "[1] 2", "\"a\u{1}\"", "{\"a\":1,}", "\"\\ud800\"", "NaN"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func hugeExponentsNeitherCrashNorConvert() throws {
        let huge = try JSON.parse("[1e9223372036854775807, 10e9223372036854775807, 1.5e-9223372036854775808, 1e400]")
        for value in huge.arrayValue ?? [] {
            #expect(value.int64Value == nil)
            _ = Set([value])
            #expect(value == value)
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func limitsDepth() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        #expect((try? JSON.parse(deep, maxDepth: 400)) != nil)
    }

    @Test func escapesOnlyWhatMustBeEscaped() throws {
        let text = "Кавычки \"ёлки\" \\ таб\t\u{7F}\u{1F}конец"
        let written = JSON.string(text).text
        #expect(written == #""Кавычки \"ёлки\" \\ таб\t\#u{7F}\u001fконец""#)
        #expect(try JSON.parse(written) == .string(text))
    }

    @Test func writesSortedKeysAndUnescapedSlash() throws {
        let value: JSON = ["b": 1, "a": "x/y\n\u{1}"]
        #expect(value.text == #"{"a":"x/y\n\u0001","b":1}"#)
        #expect(try JSON.parse(value.text) == value)
    }

    @Test func emptyContainersAllocateNothing() throws {
        let parsed = try JSON.parse("[{},[],{\"a\":{}}]")
        guard case .array(let elements) = parsed, elements.count == 3,
              case .object(let empty) = elements[0], case .array(let emptyArray) = elements[1],
              case .object(let nested)? = elements[2]["a"] else {
            Issue.record("unexpected shape \(parsed)")
            return
        }
        // A reserved table per `{}` made a batch of millions of them cost gigabytes.
        #expect(empty.capacity == 0)
        #expect(emptyArray.capacity == 0)
        #expect(nested.capacity == 0)
    }

    @Test(arguments: [
        ("[]", 0), (" [1] ", 1), ("[1,[2,3],{\"a\":[4,5,6]},\"[x,y]\"]", 4), ("[{},{},{}]", 3), ("\n[[],[]]", 2),
    ])
    func topLevelArrayLengthCountsOnlyTheOuterElements(text: String, length: Int) throws {
        #expect(try JSON.topLevelArrayLength(of: Array(text.utf8)) == length)
    }

    @Test(arguments: ["{}", " 1", "\"[1,2]\"", "null", "{\"a\":[1,2]}"])
    func topLevelArrayLengthIsNilForOtherDocuments(text: String) throws {
        #expect(try JSON.topLevelArrayLength(of: Array(text.utf8)) == nil)
    }

    @Test(arguments: ["[", "[1,]", "[1] 2", "[{\"a\"}]", "[\"\\x\"]", "[\"a\u{1}\"]", "{", "[1,2", "[nul]"])
    func topLevelArrayLengthRejectsWhatParseRejects(text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        #expect(throws: JSONParseError.self) { try JSON.topLevelArrayLength(of: Array(text.utf8)) }
    }

    @Test func topLevelArrayLengthChecksUTF8AndDepth() throws {
        #expect(throws: JSONParseError.self) { try JSON.topLevelArrayLength(of: [0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D]) }
        let deep = Array((String(repeating: "[", count: 300) + String(repeating: "]", count: 300)).utf8)
        #expect(throws: JSONParseError.self) { try JSON.topLevelArrayLength(of: deep) }
        #expect(try JSON.topLevelArrayLength(of: deep, maxDepth: 400) == 1)
    }

    @Test func topLevelArrayLengthOfAMillionElements() throws {
        let text = "[" + Array(repeating: "{}", count: 1_000_000).joined(separator: ",") + "]"
        #expect(try JSON.topLevelArrayLength(of: Array(text.utf8)) == 1_000_000)
    }
}

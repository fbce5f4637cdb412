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
}

import JSONKit
import Testing

/// `CanonicalJSON` vouches for text only when copying it gives exactly what parsing and
/// writing it would; everything else goes the slow way.
@Suite struct CanonicalJSONTests {
    static let written: [JSON] = [
        .null, true, false, 0, .number(JSONNumber("-0.5")!), .number(JSONNumber("1E+07")!), [], [:], "", "a\"b\\c\n\r\t\u{01}\u{1F}\u{7F}/ё🦀",
        ["b": [1, 2, ["x": .null]], "a": "Ромашка", "custom": [:], "z": [[], [:], ""]],
        [["type": "WORK", "value": "+79000000012"], ["type": "MOBILE", "value": "8 (916) 123-45-67"]],
        ["A": 1, "B": 2, "_": 3, "a": 4, "a0": 5, "ab": 6],
    ]

    @Test(arguments: written) func whatTheWriterWritesIsCanonical(_ value: JSON) throws {
        let bytes = value.serialized()
        let kind = try #require(CanonicalJSON.kind(of: bytes))
        let expected: CanonicalJSON.Kind = switch value {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
        #expect(kind == expected)
    }

    @Test(arguments: [
        " {}", "{} ", "{ }", #"{"a":1, "b":2}"#, #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, #"["\/"]"#, #"["\u0041"]"#,
        #"["\u001F"]"#, #"["\b"]"#, #"["\u000a"]"#, #"["\u0009"]"#, "[\"\u{01}\"]", #"[01]"#, #"[1.]"#, #"[.5]"#, #"[+1]"#,
        #"[1e]"#, "[tru]", "[nul]", "[1,]", "[,1]", #"{"a"}"#, #"{"a":}"#, #"{"ё":1}"#, #"{"a\"b":1}"#, "", "[", #""abc"#,
    ]) func otherFormsAreNot(_ text: String) {
        #expect(CanonicalJSON.kind(of: Array(text.utf8)) == nil, "\(text)")
    }

    @Test func invalidUTF8IsNotCanonical() {
        for bytes: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE0, 0x80, 0x80], [0xD0], [0x80],
                               [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(CanonicalJSON.kind(of: [0x22] + bytes + [0x22]) == nil, "\(bytes)")
        }
        #expect(CanonicalJSON.kind(of: [0x22, 0xD1, 0x91, 0xF0, 0x9F, 0xA6, 0x80, 0x22]) == .string)
    }

    @Test func nestingPastTheLimitIsNotVouchedFor() {
        let deep = String(repeating: "[", count: CanonicalJSON.maxDepth + 1) + String(repeating: "]", count: CanonicalJSON.maxDepth + 1)
        let shallow = String(repeating: "[", count: CanonicalJSON.maxDepth) + String(repeating: "]", count: CanonicalJSON.maxDepth)
        #expect(CanonicalJSON.kind(of: Array(deep.utf8)) == nil)
        #expect(CanonicalJSON.kind(of: Array(shallow.utf8)) == .array)
    }

    /// Mutations of written texts: whatever is vouched for parses and writes back to itself.
    @Test func whateverIsVouchedForRoundTripsExactly() throws {
        var random = SplitMix(seed: 42)
        let alphabet = Array(#"{}[]":,\ -.0123456789eEabnrtu/"#.utf8) + [0x01, 0x0A, 0xD1, 0x91, 0xC0, 0xED, 0xA0]
        var vouched = 0
        for round in 0..<20_000 {
            var bytes = Self.written[round % Self.written.count].serialized()
            for _ in 0..<(1 + random.next() % 3) {
                let position = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 3 {
                case 0 where position < bytes.count: bytes.remove(at: position)
                case 1 where position < bytes.count: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
            }
            guard CanonicalJSON.kind(of: bytes) != nil else { continue }
            vouched += 1
            let parsed = try JSON.parse(bytes)
            #expect(parsed.serialized() == bytes, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(vouched > 500, "too few mutations were canonical to say anything: \(vouched)")
    }

    @Test func utf8ValidationAgreesWithTheStandardLibrary() {
        var random = SplitMix(seed: 7)
        for _ in 0..<50_000 {
            let bytes = (0..<Int(random.next() % 6)).map { _ in UInt8(truncatingIfNeeded: random.next() % 3 == 0 ? random.next() % 0x80 : 0x80 + random.next() % 0x80) }
            let ours = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    @Test func aStringWrittenFromItsBytesIsWrittenAsTheString() {
        for text in ["", "plain", "ё🦀", "q\"b\\s\n\r\t\u{00}\u{08}\u{0C}\u{1F}\u{7F}"] {
            var fromString: [UInt8] = [], fromBytes: [UInt8] = []
            JSON.writeString(text, to: &fromString)
            Array(text.utf8).withUnsafeBufferPointer { JSON.writeString(validUTF8: $0, to: &fromBytes) }
            #expect(fromString == fromBytes)
            #expect(fromString == JSON.string(text).serialized())
        }
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

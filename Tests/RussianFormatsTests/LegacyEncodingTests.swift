import Testing
import RussianFormats

/// Windows-1251 and CP866 against Python's codecs (LegacyEncodingOracle.swift, written by
/// generate_encodings.py).
@Suite struct LegacyEncodingTests {
    private static let cases: [(LegacyEncoding, CodePageOracle)] = [(.windows1251, windows1251Oracle), (.cp866, cp866Oracle)]

    @Test(arguments: cases)
    func decodesEveryByteLikePython(_ encoding: LegacyEncoding, _ oracle: CodePageOracle) {
        let decoded = encoding.decode((0...255).map { UInt8($0) })
        #expect(decoded.unicodeScalars.map(\.value) == oracle.decoded)
    }

    @Test(arguments: cases)
    func encodesEveryDefinedByteBack(_ encoding: LegacyEncoding, _ oracle: CodePageOracle) {
        for (byte, codePoint) in oracle.decoded.enumerated() where codePoint != 0xFFFD {
            let text = String(Character(Unicode.Scalar(codePoint)!))
            #expect(encoding.encode(text) == [UInt8(byte)], "byte \(byte)")
        }
    }

    @Test(arguments: cases)
    func roundTripsTheCyrillicSample(_ encoding: LegacyEncoding, _ oracle: CodePageOracle) {
        #expect(encoding.encode(codePageSample) == oracle.sampleBytes)
        #expect(encoding.decode(oracle.sampleBytes) == codePageSample)
    }

    @Test func undefinedWindows1251Byte() {
        #expect(LegacyEncoding.windows1251.decode([0x41, 0x98, 0x42]) == "A\u{FFFD}B")
        #expect(LegacyEncoding.windows1251.encode("\u{FFFD}") == nil)
    }

    @Test func unmappableCharacters() {
        #expect(LegacyEncoding.windows1251.encode("€ 😀") == nil)
        #expect(LegacyEncoding.windows1251.encode("€ 😀", replacingWith: UInt8(ascii: "?")) == [0x88, 0x20, 0x3F])
        #expect(LegacyEncoding.cp866.encode("«Ромашка»") == nil)
        #expect(LegacyEncoding.cp866.encode("«Р»", replacingWith: 0x3F) == [0x3F, 0x90, 0x3F])
        #expect(LegacyEncoding.windows1251.encode("") == [])
    }

    /// Appending to a buffer: the same bytes as `encode`, and a text with a character the code
    /// page lacks leaves the buffer as it was.
    @Test func appendingToABuffer() {
        var bytes: [UInt8] = [0x41]
        #expect(LegacyEncoding.windows1251.encode("Ёж и\u{0306}", appendingTo: &bytes))
        #expect(bytes == [0x41] + LegacyEncoding.windows1251.encode("Ёж и\u{0306}")!)
        #expect(bytes == [0x41, 0xA8, 0xE6, 0x20, 0xE9])
        #expect(!LegacyEncoding.windows1251.encode("Камера 📷", appendingTo: &bytes))
        #expect(bytes == [0x41, 0xA8, 0xE6, 0x20, 0xE9])
        #expect(!LegacyEncoding.cp866.encode("«Р»", appendingTo: &bytes))
        #expect(bytes.count == 5)
    }

    @Test func lineBreaksStayTwoBytes() {
        #expect(LegacyEncoding.cp866.encode("А\r\nБ") == [0x80, 0x0D, 0x0A, 0x81])
        #expect(LegacyEncoding.windows1251.decode([0xC0, 0x0D, 0x0A]) == "А\r\n")
    }

    @Test(arguments: LegacyEncoding.allCases)
    func decomposedLettersEncodeLikeComposedOnes(_ encoding: LegacyEncoding) {
        let composed = "йЙёЁїЇўЎ"
        let decomposed = "и\u{306}И\u{306}е\u{308}Е\u{308}і\u{308}І\u{308}у\u{306}У\u{306}"
        #expect(encoding.encode(decomposed) == encoding.encode(composed))
        #expect(encoding.encode(decomposed) != nil)
    }
}

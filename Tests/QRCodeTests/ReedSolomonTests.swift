import QRCode
import Testing

/// Reed–Solomon codewords against the worked examples of ISO/IEC 18004 and known generators.
@Suite struct ReedSolomonTests {
    @Test func generatorOfDegreeSeven() {
        // x⁷ + α⁸⁷x⁶ + α²²⁹x⁵ + α¹⁴⁶x⁴ + α¹⁴⁹x³ + α²³⁸x² + α¹⁰²x + α²¹
        #expect(ReedSolomon.generator(degree: 7) == [1, 127, 122, 154, 164, 11, 68, 117])
    }

    @Test func fieldMultiplication() {
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
        #expect(ReedSolomon.multiply(1, 0x53) == 0x53)
        #expect(ReedSolomon.multiply(2, 0x80) == 0x1D)   // x · x⁷ = x⁸ ≡ x⁴ + x³ + x² + 1
        #expect(ReedSolomon.multiply(0x53, 0xCA) == ReedSolomon.multiply(0xCA, 0x53))
    }

    /// "01234567" in numeric mode, version 1-M (annex I of the standard).
    @Test func numericExampleVersion1M() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11,
                             0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ReedSolomon.errorCorrection(for: data, degree: 10)
            == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// "HELLO WORLD" in alphanumeric mode, version 1-M.
    @Test func alphanumericExampleVersion1M() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.errorCorrection(for: data, degree: 10)
            == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    /// A codeword (data followed by its error correction) is divisible by the generator, so
    /// encoding it again leaves no remainder.
    @Test func codewordHasZeroRemainder() {
        let data: [UInt8] = Array("Оплата по счету".utf8)
        let ec = ReedSolomon.errorCorrection(for: data, degree: 30)
        #expect(ec.count == 30)
        #expect(ReedSolomon.errorCorrection(for: data + ec, degree: 30) == [UInt8](repeating: 0, count: 30))
    }
}

import Testing
@testable import CRM

/// `DecimalScaled.parse` reads bytes in one pass; it must accept and refuse exactly what the
/// grammar `-?digits(.digits)?` with at most `scale` decimals and `maximum` allow. The oracle
/// here reads the same text the slow, obvious way, on written cases and on random texts.
@Suite struct DecimalScaledTests {
    /// The reference: split, check, pad, drop leading zeros, count.
    static func oracle(_ text: String, scale: Int, maximum: Int64) -> Result<Int64, DecimalScaled.Refusal> {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let integer = parts.first, !integer.isEmpty, integer.allSatisfy(\.isASCIIDigit) else { return .failure(.format) }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit), fraction.count <= scale else { return .failure(.format) }
        let digits = (integer + fraction + String(repeating: "0", count: scale - fraction.count)).drop { $0 == "0" }
        guard digits.count <= 18 else { return .failure(.tooLarge) }
        let value = Int64(digits) ?? 0
        guard value <= maximum else { return .failure(.tooLarge) }
        return .success(negative ? -value : value)
    }

    static func parsed(_ text: String, scale: Int, maximum: Int64) -> Result<Int64, DecimalScaled.Refusal> {
        do throws(DecimalScaled.Refusal) {
            return .success(try DecimalScaled.parse(text, scale: scale, maximum: maximum))
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: ["0", "0.00", "-0", "-0.0", "12", "12.5", "12.50", "-12.5", "007.10", "1.", ".5", "", "-", ".", "1.2.3", "+1", "1e5",
                      " 1", "1 ", "١٢", "12.345", "999999999999999999", "9999999999999999.99", "99999999999999999.99",
                      "0000000000000000000000001.00", "100000000000000000", "-999999999999999.99", "1,5"])
    func writtenCases(_ text: String) {
        for scale in [0, 2, 3] {
            for maximum in [Money.maximum, Int64(999_999_999_999_999_999), 100] {
                #expect(Self.parsed(text, scale: scale, maximum: maximum) == Self.oracle(text, scale: scale, maximum: maximum),
                        "\(text) at scale \(scale), maximum \(maximum)")
            }
        }
    }

    @Test func randomTexts() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["0", "0", "0", "1", "5", "9", ".", "-", "x", " "]
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let scale = Int.random(in: 0...3, using: &generator)
            #expect(Self.parsed(text, scale: scale, maximum: Money.maximum) == Self.oracle(text, scale: scale, maximum: Money.maximum), "\(text)")
        }
    }
}

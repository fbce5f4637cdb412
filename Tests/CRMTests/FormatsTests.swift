import Testing
@testable import CRM

@Suite struct TimestampTests {
    @Test func formatsAndParsesUTC() {
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(1_795_000_000) == "2026-11-18T11:06:40Z")
        #expect(Timestamp.parse("2026-11-18T11:06:40Z") == 1_795_000_000)
        #expect(Timestamp.parse("2026-11-18T14:06:40+03:00") == 1_795_000_000)
        #expect(Timestamp.parse("2026-11-18T11:06:40.123Z") == 1_795_000_000)
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.format(-46_383_303_233) == "0500-03-04T05:06:07Z")
        #expect(Timestamp.format(253_402_300_799) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.format(253_402_300_800) == "10000-01-01T00:00:00Z")
    }

    @Test(arguments: ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-18 08:26:40Z", "2026-11-18T11:06:40", "x"])
    func rejectsInvalid(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        var seconds: Int64 = -11_000_000_000
        while seconds < 11_000_000_000 {
            #expect(Timestamp.parse(Timestamp.format(seconds)) == seconds)
            seconds += 86_400 * 7 + 3_601
        }
    }

    @Test func dates() {
        #expect(Timestamp.parseDate("2024-02-29") != nil)
        #expect(Timestamp.parseDate("2100-02-29") == nil)
        #expect(Timestamp.parseDate("2026-11-29").map(Timestamp.formatDate) == "2026-11-29")
    }
}

@Suite struct DecimalTextTests {
    @Test func canonicalForms() {
        #expect(DecimalText.canonical("012.50") == "12.50")
        #expect(DecimalText.canonical("-0.0") == "0.0")
        #expect(DecimalText.canonical("1.") == nil)
        #expect(DecimalText.canonical("1e3") == nil)
        #expect(DecimalText.money("12") == "12.00")
        #expect(DecimalText.money("12.5") == "12.50")
        #expect(DecimalText.money("12.345") == nil)
    }

    @Test func sortKeysOrderLikeNumbers() {
        var generator = SystemRandomNumberGenerator()
        let values: [String] = (0..<400).map { _ in
            let integer = Int.random(in: -1_000_000...1_000_000, using: &generator)
            let fraction = Int.random(in: 0...99, using: &generator)
            return "\(integer).\(fraction < 10 ? "0" : "")\(fraction)"
        } + ["0", "-0.01", "0.01", "-1000000.99", "99999999999999999999.999999999999"]
        func exact(_ text: String) -> (Bool, String, String) {
            let negative = text.hasPrefix("-")
            let parts = text.drop { $0 == "-" }.split(separator: ".")
            return (negative, String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        func less(_ a: String, _ b: String) -> Bool {
            // Compare exactly with scaled integers of 12 decimals (values here fit in Decimal-free Int128 via strings).
            func scaled(_ text: String) -> (Bool, String) {
                let (negative, integer, fraction) = exact(text)
                let digits = String(repeating: "0", count: 21 - integer.count) + integer + fraction + String(repeating: "0", count: 12 - fraction.count)
                let isZero = digits.allSatisfy { $0 == "0" }
                return (negative && !isZero, digits)
            }
            let (na, da) = scaled(a), (nb, db) = scaled(b)
            if na != nb { return na }
            return na ? da > db : da < db
        }
        for _ in 0..<2000 {
            let a = values.randomElement(using: &generator)!, b = values.randomElement(using: &generator)!
            #expect((DecimalText.sortKey(a)! < DecimalText.sortKey(b)!) == less(a, b), "\(a) vs \(b)")
        }
    }
}

@Suite struct ContactKeysTests {
    @Test(arguments: ["8 (916) 123-45-67", "+7 916 123 45 67", "89161234567", "9161234567", "+7(916)123-45-67 доб. 123", "8-10-7-916-123-45-67"])
    func russianNumbersShareOneKey(_ raw: String) {
        #expect(ContactKeys.phone(raw) == "+79161234567")
    }

    @Test func foreignAndShortNumbersMatchOnlyThemselves() {
        #expect(ContactKeys.phone("+44 20 7946 0958") == "+442079460958")
        #expect(ContactKeys.phone("123-45-67") == "1234567")
    }

    @Test func emailsAreTrimmedAndLowercased() {
        #expect(ContactKeys.email("  Ivan@Example.RU ") == "ivan@example.ru")
        #expect(ContactKeys.email("\t\u{00A0}a@b.ru\n ") == "a@b.ru")
        #expect(ContactKeys.email(" \t ") == "")
        #expect(ContactKeys.email("") == "")
        #expect(ContactKeys.email("x") == "x")
    }

    /// The byte path for ASCII text gives what the character path gives, for random text made
    /// of what numbers, extensions and stray letters are typed with; non-ASCII text is left to
    /// the character path.
    @Test func theASCIIPathAgreesWithTheCharacterPath() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789+7788 \t\n\r()-.#xXeEtTabc")
        for _ in 0..<20_000 {
            let raw = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(ContactKeys.asciiPhone(raw) == ContactKeys.phoneByCharacters(raw), "\(raw.debugDescription)")
        }
        for raw in ["+7 916 123-45-67 ext 55", "  +8 916 EXT", "\u{00A0}+79161234567", "+7 916 123 45 67 доб 1", "x+7"] {
            let ascii = raw.utf8.allSatisfy { $0 < 0x80 }
            #expect((ContactKeys.asciiPhone(raw) != nil) == ascii, "\(raw.debugDescription)")
            #expect(ContactKeys.phone(raw) == ContactKeys.phoneByCharacters(raw), "\(raw.debugDescription)")
        }
    }

    @Test func everyExtensionMarkerCutsTheNumber() {
        for raw in ["+7 916 123-45-67 ДОБ. 55", "+7 916 123-45-67 ext 55", "+7 916 123-45-67x55", "+7 916 123-45-67 #55", "  +7 916 123-45-67  "] {
            #expect(ContactKeys.phone(raw) == "+79161234567", "\(raw)")
        }
    }

    @Test func foldingHandlesCyrillic() {
        #expect(TextFolding.fold("МОСКВА Ёлки") == "москва елки")
    }
}

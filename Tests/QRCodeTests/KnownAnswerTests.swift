import QRCode
import Testing

/// Symbols compared module by module with the ones segno made (ReferenceSymbols.swift).
@Suite struct KnownAnswerTests {
    @Test(arguments: ReferenceSymbols.cases.map(\.name))
    func matchesReferenceMatrix(name: String) throws {
        let reference = try #require(ReferenceSymbols.cases.first { $0.name == name })
        let code = try QRCode(bytes: reference.bytes, correction: reference.correction,
                              version: reference.version, mask: reference.mask)
        #expect(code.version == reference.version)
        #expect(code.size == 17 + 4 * reference.version)
        let rows = SymbolDigest.hexRows(code)
        #expect(rows == reference.rows, "\(name): \(SymbolDigest.firstDifference(rows, reference.rows))")
    }

    @Test func paymentStringPicksSegnosVersion() throws {
        let reference = try #require(ReferenceSymbols.cases.first { $0.name == "paymentUTF8" })
        #expect(Array(ReferenceSymbols.payment.utf8) == reference.bytes)
        let code = try QRCode(text: ReferenceSymbols.payment, correction: .medium, mask: reference.mask)
        #expect(code.version == reference.version)
        #expect(SymbolDigest.hexRows(code) == reference.rows)
    }

    @Test func windows1251PaymentPicksSegnosVersion() throws {
        let reference = try #require(ReferenceSymbols.cases.first { $0.name == "payment1251" })
        let code = try QRCode(bytes: reference.bytes, correction: .low, mask: reference.mask)
        #expect(code.version == reference.version)
        #expect(SymbolDigest.hexRows(code) == reference.rows)
    }

    /// Every version at every level, filled to capacity, with mask version % 8.
    @Test(arguments: QRErrorCorrection.allCases)
    func everyVersionMatchesReferenceHash(correction: QRErrorCorrection) throws {
        for (version, level, capacity, hash, _) in ReferenceSymbols.sweep where level == correction {
            #expect(QRCode.byteCapacity(version: version, correction: level) == capacity,
                    "capacity of \(version)-\(level)")
            let bytes = ReferenceSymbols.filler(version: version, correction: level, count: capacity)
            let code = try QRCode(bytes: bytes, correction: level, version: version, mask: version % 8)
            #expect(SymbolDigest.fnv1a(code) == hash, "modules of \(version)-\(level)")
        }
    }

    /// The mask of lowest penalty is the one segno chooses.
    @Test(arguments: QRErrorCorrection.allCases)
    func automaticMaskMatchesReference(correction: QRErrorCorrection) throws {
        for (version, level, capacity, _, mask) in ReferenceSymbols.sweep
        where level == correction {
            let bytes = ReferenceSymbols.filler(version: version, correction: level, count: capacity)
            let code = try QRCode(bytes: bytes, correction: level, version: version)
            #expect(code.mask == mask, "mask of \(version)-\(level)")
        }
    }
}

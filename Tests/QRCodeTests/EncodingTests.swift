import QRCode
import Testing

/// Version choice, limits, errors and the shape of a symbol.
@Suite struct EncodingTests {
    @Test func capacitiesOfTheStandardTable() {
        #expect(QRCode.byteCapacity(version: 1, correction: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, correction: .high) == 7)
        #expect(QRCode.byteCapacity(version: 10, correction: .medium) == 213)
        #expect(QRCode.byteCapacity(version: 40, correction: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, correction: .high) == 1273)
    }

    @Test func smallestVersionThatFits() throws {
        #expect(try QRCode(bytes: [UInt8](repeating: 0x41, count: 17), correction: .low).version == 1)
        #expect(try QRCode(bytes: [UInt8](repeating: 0x41, count: 18), correction: .low).version == 2)
        #expect(try QRCode(bytes: [], correction: .high).version == 1)
        let largest = try QRCode(bytes: [UInt8](repeating: 0x5A, count: 2953), correction: .low)
        #expect(largest.version == 40)
        #expect(largest.size == 177)
    }

    @Test func tooLongInputThrows() {
        #expect(throws: QRCodeError.dataTooLong(count: 2954, capacity: 2953)) {
            try QRCode(bytes: [UInt8](repeating: 0, count: 2954), correction: .low)
        }
        #expect(throws: QRCodeError.dataTooLong(count: 1274, capacity: 1273)) {
            try QRCode(text: String(repeating: "x", count: 1274), correction: .high)
        }
        // Cyrillic letters take two bytes each in UTF-8.
        #expect(throws: QRCodeError.dataTooLong(count: 2400, capacity: 2331)) {
            try QRCode(text: String(repeating: "Ж", count: 1200))
        }
        #expect(throws: QRCodeError.dataTooLong(count: 18, capacity: 17)) {
            try QRCode(bytes: [UInt8](repeating: 0, count: 18), correction: .low, version: 1)
        }
    }

    @Test func invalidVersionOrMaskThrows() {
        #expect(throws: QRCodeError.invalidVersion(41)) { try QRCode(text: "a", version: 41) }
        #expect(throws: QRCodeError.invalidVersion(0)) { try QRCode(text: "a", version: 0) }
        #expect(throws: QRCodeError.invalidMask(8)) { try QRCode(text: "a", mask: 8) }
    }

    @Test func matrixAgreesWithSubscriptAndFinders() throws {
        let code = try QRCode(text: "crmd", correction: .quartile, version: 3)
        #expect(code.size == 29)
        let matrix = code.matrix
        #expect(matrix.count == 29 && matrix.allSatisfy { $0.count == 29 })
        for y in 0..<code.size {
            for x in 0..<code.size { #expect(matrix[y][x] == code[x, y]) }
        }
        // Finder corners: an outer dark ring, a light ring, a dark 3 × 3 centre.
        for (left, top) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            #expect(code[left, top] && code[left + 6, top + 6] && code[left + 3, top + 3])
            #expect(!code[left + 1, top + 1] && !code[left + 5, top + 5])
        }
        #expect(code[8, code.size - 8], "dark module")
        // Timing pattern between the finders.
        for i in 8..<(code.size - 8) {
            #expect(code[i, 6] == (i % 2 == 0))
            #expect(code[6, i] == (i % 2 == 0))
        }
    }

    @Test func automaticMaskEqualsFixingThatMask() throws {
        // The automatic choice is one of the eight and yields the same symbol as asking for it.
        let automatic = try QRCode(text: ReferenceSymbols.payment)
        let fixed = try QRCode(text: ReferenceSymbols.payment, mask: automatic.mask)
        #expect(automatic.matrix == fixed.matrix)
        #expect(automatic.correction == .medium)
    }
}

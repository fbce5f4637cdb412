import QRCode

/// Compact forms of a symbol's modules, the same as generate_reference.py writes.
enum SymbolDigest {
    /// Each row as hex digits: modules left to right, dark = 1, padded with zero bits.
    static func hexRows(_ code: QRCode) -> [String] {
        code.matrix.map { row in
            var bits = row
            while bits.count % 4 != 0 { bits.append(false) }
            return stride(from: 0, to: bits.count, by: 4).map { start in
                let nibble = bits[start..<start + 4].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
                return String(nibble, radix: 16)
            }.joined()
        }
    }

    /// FNV-1a 64 over the modules row by row, one byte (0 or 1) per module.
    static func fnv1a(_ code: QRCode) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for y in 0..<code.size {
            for x in 0..<code.size {
                hash ^= code[x, y] ? 1 : 0
                hash = hash &* 0x100_0000_01b3
            }
        }
        return hash
    }

    /// The first row where two hex renderings differ, for a readable failure.
    static func firstDifference(_ actual: [String], _ expected: [String]) -> String {
        guard actual.count == expected.count else {
            return "\(actual.count) rows, expected \(expected.count)"
        }
        for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
            return "row \(index): \(a)\n   expected \(e)"
        }
        return "no difference"
    }
}

/// An append-only byte buffer for PDF syntax: ASCII text, compact decimal numbers and hex.
///
/// Rule: numbers are written with at most three decimals, without trailing zeros or exponent,
/// so the same input always yields the same bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytes other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func space() { bytes.append(0x20) }

    /// Writes a non-negative or negative integer in decimal.
    mutating func integer(_ value: Int) {
        var v = value
        if v < 0 { bytes.append(UInt8(ascii: "-")); v = -v }
        var divisor = 1
        while divisor <= v / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(48 + v / divisor))
            v %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Writes `value` rounded to three decimals ("12.5", "-3", "0.333").
    mutating func number(_ value: Double) {
        guard value.isFinite else { bytes.append(UInt8(ascii: "0")); return }
        let clamped = min(max(value, -1e12), 1e12)
        var scaled = Int((clamped * 1000).rounded())
        if scaled == 0 { bytes.append(UInt8(ascii: "0")); return }
        if scaled < 0 { bytes.append(UInt8(ascii: "-")); scaled = -scaled }
        integer(scaled / 1000)
        var fraction = scaled % 1000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var divisor = 100
        while fraction != 0 {
            bytes.append(UInt8(48 + fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// Writes numbers separated by spaces, followed by a space.
    mutating func numbers(_ values: Double...) {
        for value in values { number(value); space() }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Writes a 16-bit value as four uppercase hex digits.
    mutating func hex16(_ value: UInt16) {
        let d = ByteWriter.hexDigits
        bytes.append(d[Int(value >> 12)])
        bytes.append(d[Int((value >> 8) & 15)])
        bytes.append(d[Int((value >> 4) & 15)])
        bytes.append(d[Int(value & 15)])
    }

    /// Writes a PDF text string as UTF-16BE with a byte order mark, in hex: `<FEFF...>`.
    mutating func textString(_ text: String) {
        append("<FEFF")
        for unit in text.utf16 { hex16(unit) }
        append(">")
    }

    /// Writes a PDF name (`/Name`), escaping bytes outside the regular character set as `#xx`.
    mutating func name(_ name: String) {
        bytes.append(UInt8(ascii: "/"))
        let d = ByteWriter.hexDigits
        for b in name.utf8 {
            let regular = b > 0x20 && b < 0x7F && !"()<>[]{}/%#".utf8.contains(b)
            if regular { bytes.append(b) } else {
                bytes.append(UInt8(ascii: "#")); bytes.append(d[Int(b >> 4)]); bytes.append(d[Int(b & 15)])
            }
        }
    }
}

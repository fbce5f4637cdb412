import JSONKit

/// How many SMS parts a text takes, as the phone network counts them (3GPP TS 23.038/23.040).
///
/// A text made only of the GSM 7-bit default alphabet and its extension table is sent in
/// GSM-7: 160 septets in a single message, 153 per part of a long one (the rest of each part is
/// the concatenation header); an extension character (`^{}\[~]|€` and form feed) takes two
/// septets, an escape and the character, and never straddles two parts. Any other character
/// (Cyrillic, emoji) makes the whole text UCS-2: 70 UTF-16 units single, 67 per part, a
/// surrogate pair never split.
package struct SMSSegments: Sendable, Equatable {
    package enum Encoding: String, Sendable {
        case gsm7, ucs2
    }

    package let encoding: Encoding
    /// The parts the text is sent in; 0 for an empty text.
    package let count: Int
    /// Septets (GSM-7) or UTF-16 units (UCS-2) the text takes.
    package let units: Int

    package init(_ text: String) {
        if let widths = Self.gsmWidths(text) {
            self.init(encoding: .gsm7, widths: widths, single: 160, part: 153)
        } else {
            self.init(encoding: .ucs2, widths: text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }, single: 70, part: 67)
        }
    }

    private init(encoding: Encoding, widths: [Int], single: Int, part: Int) {
        self.encoding = encoding
        units = widths.reduce(0, +)
        if units == 0 {
            count = 0
        } else if units <= single {
            count = 1
        } else {
            // Characters go into parts in order; one that does not fit whole starts the next part.
            var parts = 1, used = 0
            for width in widths {
                if used + width > part {
                    parts += 1
                    used = 0
                }
                used += width
            }
            count = parts
        }
    }

    package var json: [String: JSON] { ["segments": .int(Int64(count)), "encoding": .string(encoding.rawValue)] }

    /// The septets of each character, or nil when one is outside the GSM alphabet.
    static func gsmWidths(_ text: String) -> [Int]? {
        var widths: [Int] = []
        widths.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if basic.contains(scalar) {
                widths.append(1)
            } else if extensionTable.contains(scalar) {
                widths.append(2)
            } else {
                return nil
            }
        }
        return widths
    }

    /// The GSM 7-bit default alphabet (all but the escape).
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)

    /// Characters of the extension table: two septets each.
    static let extensionTable: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)
}

/// The error correction level of a QR code: the share of codewords that may be damaged
/// and still be restored (about 7 %, 15 %, 25 % and 30 %).
public enum QRErrorCorrection: Sendable, CaseIterable {
    /// Level L, about 7 % of the codewords can be restored.
    case low
    /// Level M, about 15 % of the codewords can be restored.
    case medium
    /// Level Q, about 25 % of the codewords can be restored.
    case quartile
    /// Level H, about 30 % of the codewords can be restored.
    case high

    /// The two bits that stand for the level in the format information (L 01, M 00, Q 11, H 10).
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The row of this level in the block tables (L, M, Q, H).
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}

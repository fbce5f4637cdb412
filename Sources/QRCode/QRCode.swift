/// A QR code (ISO/IEC 18004 model 2) holding bytes in one byte mode segment, as a square
/// of dark and light modules without the quiet zone.
///
/// ```swift
/// let code = try QRCode(text: "ST00012|Name=ООО «Ромашка»|…", correction: .medium)
/// for y in 0..<code.size { for x in 0..<code.size where code[x, y] { /* draw */ } }
/// ```
/// Draw it with a light quiet zone of at least four modules on every side.
public struct QRCode: Sendable {
    /// The version, 1...40.
    public let version: Int
    /// Modules per side, 17 + 4 × version.
    public let size: Int
    /// The error correction level.
    public let correction: QRErrorCorrection
    /// The data mask pattern used, 0...7.
    public let mask: Int
    /// Dark modules, row by row.
    private let modules: [Bool]

    /// Encodes bytes in byte mode.
    ///
    /// - Parameters:
    ///   - bytes: the data, up to 2953 bytes at level L in version 40.
    ///   - correction: the error correction level.
    ///   - version: a fixed version; by default the smallest that fits.
    ///   - mask: a fixed mask pattern; by default the one of lowest penalty.
    /// - Throws: `QRCodeError.dataTooLong` if the data does not fit, `invalidVersion` or
    ///   `invalidMask` for a fixed version or mask out of range.
    public init(bytes: [UInt8], correction: QRErrorCorrection = .medium,
                version: Int? = nil, mask: Int? = nil) throws {
        let chosenVersion: Int
        if let version {
            guard QRVersionTable.versions.contains(version) else { throw QRCodeError.invalidVersion(version) }
            let capacity = QRVersionTable.byteCapacity(version: version, correction: correction)
            guard bytes.count <= capacity else {
                throw QRCodeError.dataTooLong(count: bytes.count, capacity: capacity)
            }
            chosenVersion = version
        } else {
            chosenVersion = try QRCodewords.smallestVersion(count: bytes.count, correction: correction)
        }
        if let mask, !QRMask.all.contains(mask) { throw QRCodeError.invalidMask(mask) }

        let data = QRCodewords.dataCodewords(bytes: bytes, version: chosenVersion, correction: correction)
        let codewords = QRCodewords.interleaved(data: data, version: chosenVersion, correction: correction)
        var unmasked = QRMatrix(version: chosenVersion)
        unmasked.placeCodewords(codewords)

        func masked(_ pattern: Int) -> QRMatrix {
            var matrix = unmasked
            matrix.applyMask(pattern)
            return matrix
        }
        // The masks are judged before the format and version information and the dark module
        // are written (ISO/IEC 18004 orders masking before them), with those modules light,
        // as segno does.
        var best: (mask: Int, matrix: QRMatrix)
        if let mask {
            best = (mask, masked(mask))
        } else {
            best = (0, masked(0))
            var lowest = QRMask.penalty(best.matrix.modules, size: best.matrix.size)
            for pattern in 1...7 {
                let candidate = masked(pattern)
                let score = QRMask.penalty(candidate.modules, size: candidate.size)
                if score < lowest { (lowest, best) = (score, (pattern, candidate)) }
            }
        }
        best.matrix.drawInformation(correction: correction, mask: best.mask)
        self.version = chosenVersion
        size = best.matrix.size
        self.correction = correction
        self.mask = best.mask
        modules = best.matrix.modules
    }

    /// Encodes the UTF-8 bytes of a string in byte mode (no ECI header: readers that guess
    /// the character set, as payment apps do, read UTF-8 as such).
    public init(text: String, correction: QRErrorCorrection = .medium,
                version: Int? = nil, mask: Int? = nil) throws {
        try self.init(bytes: Array(text.utf8), correction: correction, version: version, mask: mask)
    }

    /// Whether the module in column `x`, row `y` (both 0..<size, origin top left) is dark.
    public subscript(x: Int, y: Int) -> Bool {
        precondition(x >= 0 && x < size && y >= 0 && y < size, "module outside the symbol")
        return modules[y * size + x]
    }

    /// The modules as rows, top to bottom, each left to right; `true` is dark.
    public var matrix: [[Bool]] {
        (0..<size).map { y in Array(modules[y * size..<(y + 1) * size]) }
    }

    /// The largest number of bytes that byte mode fits in a version at a level.
    public static func byteCapacity(version: Int, correction: QRErrorCorrection) -> Int {
        precondition(QRVersionTable.versions.contains(version), "version out of range")
        return QRVersionTable.byteCapacity(version: version, correction: correction)
    }
}

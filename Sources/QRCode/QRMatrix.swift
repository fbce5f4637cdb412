/// A symbol under construction: the modules and which of them belong to function patterns
/// or to the format and version information (those are never masked nor used for data).
struct QRMatrix: Sendable {
    let version: Int
    let size: Int
    /// Dark modules, row by row (`y * size + x`).
    private(set) var modules: [Bool]
    /// Modules that hold no data.
    private(set) var reserved: [Bool]

    /// A symbol of a version with all function patterns drawn and the format and version
    /// information areas reserved, light until `drawInformation` fills them.
    init(version: Int) {
        self.version = version
        size = QRVersionTable.size(version: version)
        modules = [Bool](repeating: false, count: size * size)
        reserved = modules
        drawFunctionPatterns()
    }

    subscript(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    /// Sets a module and marks it as a function module.
    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        reserved[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(x: 6, y: i, dark: i % 2 == 0)
            setFunction(x: i, y: 6, dark: i % 2 == 0)
        }
        drawFinder(centreX: 3, centreY: 3)
        drawFinder(centreX: size - 4, centreY: 3)
        drawFinder(centreX: 3, centreY: size - 4)
        let centres = QRVersionTable.alignmentCentres(version: version)
        let last = centres.count - 1
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                // The three corners taken by finder patterns get no alignment pattern.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
        // Reserve the format and version areas and the dark module now (light); their values
        // are written last.
        drawFormat(bits: 0, darkModule: false)
        if version >= 7 { drawVersion(bits: 0) }
    }

    /// Writes the format information (level and mask), the dark module and, from version 7
    /// on, the version information: the last step, after the mask is chosen.
    mutating func drawInformation(correction: QRErrorCorrection, mask: Int) {
        drawFormat(bits: QRFormatInfo.formatBits(correction: correction, mask: mask), darkModule: true)
        if version >= 7 { drawVersion(bits: QRFormatInfo.versionBits(version: version)) }
    }

    /// A finder pattern with the light separator around it, clipped at the symbol's edge.
    private mutating func drawFinder(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx, y = centreY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// Writes the 15 format bits (already BCH coded and masked) in both copies, and the
    /// module beside the lower left one that is always dark. Bit 0 is the least significant.
    private mutating func drawFormat(bits: Int, darkModule: Bool) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(x: 8, y: i, dark: bit(i)) }
        setFunction(x: 8, y: 7, dark: bit(6))
        setFunction(x: 8, y: 8, dark: bit(7))
        setFunction(x: 7, y: 8, dark: bit(8))
        for i in 9...14 { setFunction(x: 14 - i, y: 8, dark: bit(i)) }
        for i in 0...7 { setFunction(x: size - 1 - i, y: 8, dark: bit(i)) }
        for i in 8...14 { setFunction(x: 8, y: size - 15 + i, dark: bit(i)) }
        setFunction(x: 8, y: size - 8, dark: darkModule)
    }

    /// Writes the 18 bit version information (6 bits of version, 12 of BCH code) in the
    /// two 6 × 3 blocks next to the upper right and lower left finders.
    private mutating func drawVersion(bits: Int) {
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let across = size - 11 + i % 3, along = i / 3
            setFunction(x: across, y: along, dark: dark)
            setFunction(x: along, y: across, dark: dark)
        }
    }

    /// Places the codewords, most significant bit first, in two module wide columns that
    /// zigzag up and down from the lower right corner, skipping the vertical timing pattern
    /// and every reserved module. Modules left over (the remainder bits) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        var upward = true
        while right > 0 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !reserved[y * size + x] {
                    if index < bitCount {
                        modules[y * size + x] = (codewords[index / 8] >> UInt8(7 - index % 8)) & 1 == 1
                    }
                    index += 1
                }
            }
            upward.toggle()
            right -= 2
        }
    }

    /// Inverts every data module that the mask pattern selects (applying it twice undoes it).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !reserved[y * size + x] && QRMask.selects(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}

/// How the codewords of one version and error correction level are split into blocks.
struct QRBlockLayout: Sendable, Equatable {
    /// Error correction codewords in every block.
    let ecCodewordsPerBlock: Int
    /// Number of blocks.
    let blockCount: Int
    /// All codewords of the symbol, data and error correction.
    let totalCodewords: Int

    /// Data codewords of the whole symbol.
    var dataCodewords: Int { totalCodewords - ecCodewordsPerBlock * blockCount }
    /// Blocks of the first group, which hold one data codeword less than the others.
    var shortBlockCount: Int { blockCount - dataCodewords % blockCount }
    /// Data codewords in a block of the first group.
    var shortBlockDataCodewords: Int { dataCodewords / blockCount }
}

/// The tables of ISO/IEC 18004 that depend on the version: codeword counts, block structure
/// (table 9), alignment pattern centres (annex E) and byte mode capacity.
enum QRVersionTable {
    static let versions = 1...40

    /// Error correction codewords per block, by level (L, M, Q, H) then version 1...40.
    private static let ecCodewordsPerBlock: [[Int]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of error correction blocks, by level (L, M, Q, H) then version 1...40.
    private static let blockCounts: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Centre coordinates of the alignment patterns (rows and columns alike), versions 2...40.
    private static let alignmentCentres: [[Int]] = [
        [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82],
        [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],
        [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// Modules per side.
    static func size(version: Int) -> Int { 17 + 4 * version }

    /// Centres of the alignment patterns along one axis; empty for version 1.
    static func alignmentCentres(version: Int) -> [Int] {
        version == 1 ? [] : alignmentCentres[version - 2]
    }

    /// Modules left for codewords once the function patterns and the format and version
    /// information are placed, divided by eight (the remainder bits are dropped).
    static func totalCodewords(version: Int) -> Int {
        let side = size(version: version)
        var modules = side * side
        modules -= 3 * 64                      // finders with their separators
        modules -= 2 * (side - 16)             // timing patterns between the separators
        modules -= 31                          // two copies of the format information, dark module
        let centres = alignmentCentres(version: version).count
        if centres > 0 {
            let patterns = centres * centres - 3
            modules -= 25 * patterns
            modules += 2 * 5 * (centres - 2)   // alignment modules already counted on the timing rows
        }
        if version >= 7 { modules -= 36 }      // two copies of the version information
        return modules / 8
    }

    /// The block structure of a version at a level.
    static func layout(version: Int, correction: QRErrorCorrection) -> QRBlockLayout {
        let level = correction.tableIndex
        return QRBlockLayout(
            ecCodewordsPerBlock: ecCodewordsPerBlock[level][version - 1],
            blockCount: blockCounts[level][version - 1],
            totalCodewords: totalCodewords(version: version))
    }

    /// Bits of the character count indicator in byte mode.
    static func characterCountBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    /// The most bytes that byte mode fits in a version at a level.
    static func byteCapacity(version: Int, correction: QRErrorCorrection) -> Int {
        let bits = layout(version: version, correction: correction).dataCodewords * 8
        return (bits - 4 - characterCountBits(version: version)) / 8
    }
}

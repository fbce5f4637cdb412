/// Why a font file could not be used.
public enum PDFFontError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String)
    /// The file is an OpenType font with CFF outlines ('OTTO'); only TrueType (glyf) outlines are supported.
    case cffOutlinesNotSupported
    /// The file is a font collection or not an sfnt font at all.
    case notTrueType
    /// A required table is missing.
    case missingTable(String)
    /// A table is shorter than its structure requires or points outside the file.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read font file \(path)"
        case .cffOutlinesNotSupported: "CFF-flavoured OpenType fonts (OTTO) are not supported; use a TrueType (glyf) font"
        case .notTrueType: "not a TrueType font file"
        case .missingTable(let tag): "font has no '\(tag)' table"
        case .malformed(let what): "malformed font: \(what)"
        }
    }
}

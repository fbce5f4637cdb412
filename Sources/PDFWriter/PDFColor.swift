/// An RGB colour for the DeviceRGB colour space.
///
/// Rule: components are clamped to 0...1 on creation.
public struct PDFColor: Sendable, Equatable {
    public let r: Double
    public let g: Double
    public let b: Double

    public init(r: Double, g: Double, b: Double) {
        self.r = min(max(r, 0), 1)
        self.g = min(max(g, 0), 1)
        self.b = min(max(b, 0), 1)
    }

    /// A grey of the given level (0 black, 1 white).
    public init(gray: Double) { self.init(r: gray, g: gray, b: gray) }

    public static let black = PDFColor(r: 0, g: 0, b: 0)
    public static let white = PDFColor(r: 1, g: 1, b: 1)
}

/// One page of a `PDFDocument`: a content stream built by drawing calls.
///
/// Rule: the API's coordinates are in points with the origin at the top-left corner and y growing
/// downwards (text `y` is the baseline); they are converted to PDF's bottom-left user space as
/// they are written. Fill colour and line width are emitted only when they change.
public final class PDFPage {
    /// Page size in points.
    public let width: Double
    public let height: Double

    let registry: FontRegistry
    private(set) var content = ByteWriter(capacity: 16_384)
    /// Resource names of the fonts this page shows, in first-use order.
    private(set) var fontNames: [String] = []
    private var fill = PDFColor.black
    private var lineWidth = 1.0

    init(width: Double, height: Double, registry: FontRegistry) {
        self.width = width
        self.height = height
        self.registry = registry
    }

    /// Shows `string` with its baseline at (`x`, `y`) from the top-left corner.
    public func text(_ string: String, x: Double, y: Double, font: PDFFont, size: Double, color: PDFColor = .black) {
        guard !string.isEmpty else { return }
        let usage = registry.usage(for: font)
        if !fontNames.contains(usage.resourceName) { fontNames.append(usage.resourceName) }
        setFill(color)
        content.append("BT /")
        content.append(usage.resourceName)
        content.space()
        content.number(size)
        content.append(" Tf ")
        content.numbers(x, height - y)
        content.append("Td ")
        usage.encode(string, into: &content)
        content.append(" Tj ET\n")
    }

    /// Strokes a straight black line from one point to another.
    public func line(from: (Double, Double), to: (Double, Double), width: Double = 0.5) {
        setLineWidth(width)
        content.numbers(from.0, height - from.1)
        content.append("m ")
        content.numbers(to.0, height - to.1)
        content.append("l S\n")
    }

    /// Draws a rectangle whose top-left corner is (`x`, `y`): filled with `fill` if given,
    /// outlined in black with `lineWidth` if `stroke`.
    public func rect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.5,
                     fill: PDFColor? = nil, stroke: Bool = true) {
        guard fill != nil || stroke else { return }
        if let fill { setFill(fill) }
        if stroke { setLineWidth(lineWidth) }
        content.numbers(x, self.height - y - height, width, height)
        content.append(fill == nil ? "re S\n" : stroke ? "re B\n" : "re f\n")
    }

    /// Fills a black square of `moduleSize` for every `true` in `matrix` (row-major, row 0 at the
    /// top), with (`x`, `y`) the top-left corner; horizontal runs in a row become one rectangle.
    public func modules(_ matrix: [[Bool]], x: Double, y: Double, moduleSize: Double) {
        var any = false
        for (row, cells) in matrix.enumerated() {
            var column = 0
            while column < cells.count {
                guard cells[column] else { column += 1; continue }
                let start = column
                while column < cells.count && cells[column] { column += 1 }
                if !any { setFill(.black); any = true }
                content.numbers(x + Double(start) * moduleSize, height - y - Double(row + 1) * moduleSize,
                                Double(column - start) * moduleSize, moduleSize)
                content.append("re\n")
            }
        }
        if any { content.append("f\n") }
    }

    private func setFill(_ color: PDFColor) {
        guard color != fill else { return }
        fill = color
        content.numbers(color.r, color.g, color.b)
        content.append("rg\n")
    }

    private func setLineWidth(_ width: Double) {
        guard width != lineWidth else { return }
        lineWidth = width
        content.number(width)
        content.append(" w\n")
    }
}

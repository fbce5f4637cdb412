import PDFWriter

/// The invoice's table of goods laid out for the PDF: its columns («Скидка» when a row has a
/// discount, «НДС» when the rows' rates differ), every cell wrapped to its column, and so every
/// row's height, known before any page is planned.
///
/// Rule: the columns span exactly `InvoicePDF.left`…`InvoicePDF.right`. The numeric and short
/// columns are as wide as their widest text; the item name takes the rest, at least
/// `minimumNameWidth` (the others shrink, and their texts wrap, when amounts are very long).
/// A cell's text stays 3 pt inside its borders, so cells never overprint each other.
struct InvoicePDFTable {
    struct Column {
        let title: String
        var width: Double
        /// Right-aligned amounts and numbers.
        let numeric: Bool
    }

    static let fontSize = 9.0, lineHeight = 11.0, padding = 3.0, minimumNameWidth = 150.0

    let regular: PDFFont
    let bold: PDFFont
    private(set) var columns: [Column] = []
    /// The header's cells, wrapped.
    private(set) var header: [[String]] = []
    /// Each row's cells, wrapped.
    private(set) var rows: [[[String]]] = []

    init(document: InvoiceDocument, regular: PDFFont, bold: PDFFont) {
        self.regular = regular
        self.bold = bold
        let printed = document.printedRows
        var cells: [(title: String, numeric: Bool, texts: [String])] = [
            ("№", true, printed.map(\.number)), ("Товары (работы, услуги)", false, printed.map(\.name)),
            ("Кол-во", true, printed.map(\.quantity)), ("Ед.", false, printed.map(\.unit)), ("Цена", true, printed.map(\.price)),
        ]
        if document.showsDiscount { cells.append(("Скидка", true, printed.map(\.discount))) }
        if document.showsVATRate { cells.append(("НДС", true, printed.map(\.vatRate))) }
        cells.append(("Сумма", true, printed.map(\.sum)))

        let size = Self.fontSize
        columns = cells.enumerated().map { index, cell in
            guard index != 1 else { return Column(title: cell.title, width: 0, numeric: false) }
            let widestWord = cell.title.split(separator: " ").map { bold.width(of: String($0), size: size) }.max() ?? 0
            let widestText = cell.texts.map { regular.width(of: $0, size: size) }.max() ?? 0
            return Column(title: cell.title, width: max(widestWord, widestText) + 2 * Self.padding, numeric: cell.numeric)
        }
        let available = InvoicePDF.right - InvoicePDF.left
        let others = columns.reduce(0) { $0 + $1.width }
        if available - others < Self.minimumNameWidth {
            // Shrink every column but «№» in proportion, so that the name keeps its minimum width.
            let fixed = columns[0].width
            let scale = (available - Self.minimumNameWidth - fixed) / (others - fixed)
            for index in columns.indices.dropFirst(2) { columns[index].width *= scale }
        }
        columns[1].width = available - columns.reduce(0) { $0 + $1.width }

        header = zip(cells, columns).map { cell, column in wrap(cell.title, bold, column) }
        rows = printed.indices.map { row in zip(cells, columns).map { cell, column in wrap(cell.texts[row], regular, column) } }
    }

    var headerHeight: Double { Self.height(header) }

    func rowHeight(_ index: Int) -> Double { Self.height(rows[index]) }

    /// Draws the header with its top at `top`; returns its bottom.
    func drawHeader(_ page: PDFPage, _ top: Double) -> Double {
        page.rect(x: InvoicePDF.left, y: top, width: InvoicePDF.right - InvoicePDF.left, height: headerHeight, fill: PDFColor(gray: 0.92))
        return draw(page, header, top, font: bold, alignNumbers: false)
    }

    /// Draws row `index` with its top at `top`; returns its bottom.
    func drawRow(_ page: PDFPage, _ index: Int, _ top: Double) -> Double {
        draw(page, rows[index], top, font: regular, alignNumbers: true)
    }

    private func draw(_ page: PDFPage, _ cells: [[String]], _ top: Double, font: PDFFont, alignNumbers: Bool) -> Double {
        let height = Self.height(cells)
        var x = InvoicePDF.left
        for (column, lines) in zip(columns, cells) {
            page.rect(x: x, y: top, width: column.width, height: height)
            for (number, line) in lines.enumerated() {
                let baseline = top + 12 + Double(number) * Self.lineHeight
                let width = font.width(of: line, size: Self.fontSize)
                let start = column.numeric && alignNumbers ? x + column.width - Self.padding - width : x + Self.padding
                page.text(line, x: start, y: baseline, font: font, size: Self.fontSize)
            }
            x += column.width
        }
        return top + height
    }

    private func wrap(_ text: String, _ font: PDFFont, _ column: Column) -> [String] {
        PDFPage.wrap(text, font: font, size: Self.fontSize, width: column.width - 2 * Self.padding)
    }

    private static func height(_ cells: [[String]]) -> Double {
        Double(max(1, cells.map(\.count).max() ?? 1)) * lineHeight + 6
    }
}

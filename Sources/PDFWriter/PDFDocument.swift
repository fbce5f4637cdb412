/// A PDF 1.7 document under construction: pages with text, lines, rectangles and module
/// matrices, and the TrueType fonts they use, embedded as subsets.
///
/// Rule: `data()` is deterministic — the same drawing calls give the same bytes (no dates, subset
/// tags derived from the glyph sets). Objects: 1 catalog, 2 page tree, 3 info, then each page and
/// its content stream, then five objects per font (Type0, CIDFontType2, descriptor, FontFile2, ToUnicode).
public final class PDFDocument {
    public let title: String?
    public let author: String?
    private let registry = FontRegistry()
    private var pages: [PDFPage] = []

    /// Starts an empty document; `title` and `author` go to the Info dictionary.
    public init(title: String? = nil, author: String? = nil) {
        self.title = title
        self.author = author
    }

    /// Adds a page (A4 portrait by default, sizes in points) and returns it for drawing.
    public func addPage(width: Double = 595.28, height: Double = 841.89) -> PDFPage {
        let page = PDFPage(width: width, height: height, registry: registry)
        pages.append(page)
        return page
    }

    /// The complete PDF file. Throws if a font's subset cannot be built.
    public func data() throws -> [UInt8] {
        let fonts = registry.usages
        let firstFont = 4 + 2 * pages.count
        var fontObject: [String: Int] = [:]
        for (index, usage) in fonts.enumerated() { fontObject[usage.resourceName] = firstFont + 5 * index }
        var file = PDFFileWriter(objectCount: firstFont - 1 + 5 * fonts.count)

        file.object(1) { $0.append("<< /Type /Catalog /Pages 2 0 R >>") }
        file.object(2) { out in
            out.append("<< /Type /Pages /Kids [")
            for index in pages.indices { out.append(" \(4 + 2 * index) 0 R") }
            out.append(" ] /Count \(pages.count) >>")
        }
        file.object(3) { out in
            out.append("<< /Producer (PDFWriter)")
            if let title { out.append(" /Title "); out.textString(title) }
            if let author { out.append(" /Author "); out.textString(author) }
            out.append(" >>")
        }
        for (index, page) in pages.enumerated() {
            let number = 4 + 2 * index
            file.object(number) { out in
                out.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ")
                out.numbers(page.width, page.height)
                out.append("] /Resources << /Font <<")
                for name in page.fontNames { out.append(" /\(name) \(fontObject[name]!) 0 R") }
                out.append(" >> >> /Contents \(number + 1) 0 R >>")
            }
            file.stream(number + 1, data: page.content.bytes)
        }
        for (index, usage) in fonts.enumerated() {
            try FontEmbedder(usage: usage, firstObject: firstFont + 5 * index).write(to: &file)
        }
        return file.finish(root: 1, info: 3)
    }
}

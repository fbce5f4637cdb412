import Foundation
import PDFWriter
import Testing

/// A one-page Russian invoice-like document with text, a table of lines and rects, and a module matrix.
func sampleDocument(pages: Int = 1) throws -> [UInt8] {
    let regular = try loadFont(dejaVuSans), bold = try loadFont(dejaVuSansBold)
    let document = PDFDocument(title: "Счет на оплату № 15", author: "ООО «Ромашка»")
    for number in 1...pages {
        let page = document.addPage()
        page.text("Счет на оплату № 15 от 5 марта 2026 г.", x: 40, y: 60, font: bold, size: 14)
        page.line(from: (40, 70), to: (555, 70), width: 1.5)
        page.text("ИНН 7736207543", x: 40, y: 100, font: regular, size: 10)
        page.rect(x: 40, y: 130, width: 515, height: 18, fill: PDFColor(gray: 0.9))
        page.text("Наименование — «Услуги»", x: 44, y: 143, font: bold, size: 9)
        for row in 0..<5 {
            let y = 148 + Double(row) * 16
            page.rect(x: 40, y: y, width: 515, height: 16)
            page.line(from: (300, y), to: (300, y + 16))
            page.text("Строка \(row + 1)", x: 44, y: y + 11, font: regular, size: 9)
        }
        let total = "Итого: 12 345,67"
        page.text(total, x: 555 - bold.width(of: total, size: 11), y: 260, font: bold, size: 11)
        page.text("Одна тысяча двести тридцать четыре рубля 56 копеек", x: 40, y: 290, font: regular, size: 10,
                  color: PDFColor(r: 0.1, g: 0.1, b: 0.5))
        page.text("Страница \(number)", x: 40, y: 800, font: regular, size: 8)
        let matrix = (0..<33).map { r in (0..<33).map { c in (r * 7 + c * 3) % 5 < 2 || r < 7 && c < 7 } }
        page.modules(matrix, x: 450, y: 320, moduleSize: 3)
        page.rect(x: 0, y: 0, width: 10, height: 10, fill: nil, stroke: false)  // draws nothing
    }
    return try document.data()
}

let expectedStrings = [
    "Счет на оплату № 15 от 5 марта 2026 г.", "ИНН 7736207543", "Итого: 12 345,67",
    "Одна тысяча двести тридцать четыре рубля 56 копеек", "Наименование — «Услуги»", "Страница 1",
]

@Suite struct DocumentTests {
    @Test func fileStructureAndXrefOffsets() throws {
        let bytes = try sampleDocument()
        #expect(Array(bytes.prefix(9)) == Array("%PDF-1.7\n".utf8))
        #expect(bytes[9] == UInt8(ascii: "%") && bytes[10...13].allSatisfy { $0 >= 128 })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("%%EOF\n"))
        let tail = String(decoding: bytes.suffix(40), as: UTF8.self).split(separator: "\n")
        let start = try #require(Int(tail[tail.count - 2]))
        let xref = bytes[start...]
        #expect(xref.starts(with: Array("xref\n0 ".utf8)))
        let lines = String(decoding: xref, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let size = try #require(Int(lines[1].split(separator: " ")[1]))
        #expect(lines[2] == "0000000000 65535 f ")
        for number in 1..<size {
            let entry = lines[2 + number]
            #expect(entry.utf8.count == 19 && entry.hasSuffix(" 00000 n "))
            let offset = try #require(Int(entry.prefix(10)))
            #expect(bytes[offset...].starts(with: Array("\(number) 0 obj\n".utf8)), "object \(number)")
        }
        #expect(text.contains("/Size \(size) /Root 1 0 R /Info 3 0 R"))
        #expect(text.contains("/Subtype /CIDFontType2") && text.contains("/Encoding /Identity-H"))
        #expect(text.contains("/CIDToGIDMap /Identity") && text.contains("/FontFile2") && text.contains("/ToUnicode"))
    }

    @Test func deterministicAndSmall() throws {
        let first = try sampleDocument(), second = try sampleDocument()
        #expect(first == second)
        #expect(first.count < 100_000, "size \(first.count)")
        #expect(try sampleDocument(pages: 2).count < 100_000)
    }

    @Test func pdftotextExtractsEveryString() throws {
        let path = try ExternalTools.temporaryFile(try sampleDocument(), suffix: ".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ExternalTools.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        #expect(result.status == 0, "pdftotext: \(result.stderr)")
        let lines = result.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for string in expectedStrings {
            #expect(lines.contains(string), "pdftotext lost \(string): \(lines)")
        }
    }

    @Test func pypdfExtractsTextMetadataAndSubsetFonts() throws {
        let path = try ExternalTools.temporaryFile(try sampleDocument(pages: 2), suffix: ".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = """
        import sys, json, pypdf
        r = pypdf.PdfReader(sys.argv[1], strict=True)
        fonts = []
        for f in r.pages[0]['/Resources']['/Font'].values():
            d = f.get_object()['/DescendantFonts'][0].get_object()['/FontDescriptor'].get_object()['/FontFile2'].get_object()
            fonts.append({'name': str(f.get_object()['/BaseFont']), 'length1': int(d['/Length1']), 'data': len(d.get_data())})
        print(json.dumps({'pages': [p.extract_text() for p in r.pages], 'title': r.metadata.title,
                          'author': r.metadata.author, 'fonts': fonts}))
        """
        let result = try ExternalTools.python(script, [path], needsPypdf: true)
        #expect(result.status == 0, "pypdf: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let pages = try #require(json["pages"] as? [String])
        #expect(pages.count == 2)
        for string in expectedStrings { #expect(pages[0].contains(string), "pypdf lost \(string)") }
        #expect(pages[1].contains("Страница 2"))
        #expect(json["title"] as? String == "Счет на оплату № 15")
        #expect(json["author"] as? String == "ООО «Ромашка»")
        let fonts = try #require(json["fonts"] as? [[String: Any]])
        #expect(fonts.count == 2)
        for font in fonts {
            let name = try #require(font["name"] as? String)
            #expect(name.range(of: #"^/[A-Z]{6}\+DejaVuSans(-Bold)?$"#, options: .regularExpression) != nil, "\(name)")
            let length = try #require(font["length1"] as? Int)
            #expect(font["data"] as? Int == length)
            #expect(length < 80_000, "subset of \(name) is \(length) bytes")
        }
    }

    @Test func pdffontsShowsEmbeddedSubsets() throws {
        let path = try ExternalTools.temporaryFile(try sampleDocument(), suffix: ".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ExternalTools.run("pdffonts", [path])
        #expect(result.status == 0 && result.stderr.isEmpty, "pdffonts: \(result.stderr)")
        let rows = result.text.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ") }
        #expect(rows.count == 2)
        for row in rows {
            #expect(row.count >= 8)
            #expect(row[0].range(of: #"^[A-Z]{6}\+DejaVuSans(-Bold)?$"#, options: .regularExpression) != nil)
            #expect(Array(row[1...6]) == ["CID", "TrueType", "Identity-H", "yes", "yes", "yes"], "\(row)")
        }
    }

    @Test func missingCharactersShowAsFallbacksInTheContentAndTheText() throws {
        let font = try loadFont(dejaVuSans)
        let document = PDFDocument(title: "fallback", author: nil)
        document.addPage().text("Кабель\tUTP 🦀 電線", x: 40, y: 60, font: font, size: 10)
        let path = try ExternalTools.temporaryFile(try document.data(), suffix: ".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ExternalTools.run("pdftotext", [path, "-"]).text.contains("Кабель UTP ? ??"))
        // Glyph 0 (.notdef, the empty box) appears in no shown string of the inflated content streams.
        let script = """
        import re, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        shown = [s for m in re.finditer(rb'stream\\n(.*?)\\nendstream', data, re.S)
                 for s in re.findall(rb'<([0-9A-Fa-f]*)> Tj', zlib.decompress(m.group(1)))]
        print(len(shown), sum(1 for s in shown for i in range(0, len(s), 4) if s[i:i + 4] == b'0000'))
        """
        #expect(try ExternalTools.python(script, [path]).text == "1 0\n")
    }

    @Test func qpdfCheckPasses() throws {
        let path = try ExternalTools.temporaryFile(try sampleDocument(pages: 2), suffix: ".pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ExternalTools.run("qpdf", ["--check", path])
        #expect(result.status == 0, "qpdf --check: \(result.text) \(result.stderr)")
        #expect(result.text.contains("No syntax or stream encoding errors"))
    }

    @Test func pdftoppmRendersInk() throws {
        let path = try ExternalTools.temporaryFile(try sampleDocument(), suffix: ".pdf")
        let prefix = path + "-render"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: prefix + ".png")
            try? FileManager.default.removeItem(atPath: prefix + ".pgm")
        }
        let png = try ExternalTools.run("pdftoppm", ["-png", "-r", "50", "-singlefile", path, prefix])
        #expect(png.status == 0 && png.stderr.isEmpty, "pdftoppm: \(png.stderr)")
        let image = try Data(contentsOf: URL(fileURLWithPath: prefix + ".png"))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // Grey render: the module matrix area (450...549, 320...419 pt) must be about 40% dark.
        let gray = try ExternalTools.run("pdftoppm", ["-gray", "-r", "72", "-singlefile", path, prefix])
        #expect(gray.status == 0 && gray.stderr.isEmpty, "pdftoppm: \(gray.stderr)")
        let pgm = [UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".pgm")))
        let header = String(decoding: pgm.prefix(20), as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        let width = try #require(Int(header[1]))
        let pixels = pgm.suffix(width * (try #require(Int(header[2]))))
        let base = pixels.startIndex
        var dark = 0
        for y in 322..<417 { for x in 452..<547 where pixels[base + y * width + x] < 128 { dark += 1 } }
        let fraction = Double(dark) / Double(95 * 95)
        #expect(fraction > 0.25 && fraction < 0.7, "dark fraction \(fraction)")
    }
}

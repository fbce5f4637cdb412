import PDFWriter
import Testing

@Suite struct WrapTests {
    let sentence = "Одна тысяча двести тридцать четыре рубля 56 копеек"

    @Test func linesFitAndKeepTheWords() throws {
        let font = try loadFont(dejaVuSans)
        for width in [60.0, 100, 150, 400] {
            let lines = PDFPage.wrap(sentence, font: font, size: 10, width: width)
            #expect(lines.allSatisfy { font.width(of: $0, size: 10) <= width })
            #expect(lines.joined(separator: " ") == sentence)
        }
        #expect(PDFPage.wrap(sentence, font: font, size: 10, width: 1000) == [sentence])
    }

    @Test func greedyBreaking() throws {
        let font = try loadFont(dejaVuSans)
        let width = font.width(of: "Одна тысяча", size: 10)
        #expect(PDFPage.wrap("Одна тысяча двести", font: font, size: 10, width: width) == ["Одна тысяча", "двести"])
    }

    @Test func longWordsBreakByCharacters() throws {
        let font = try loadFont(dejaVuSans)
        let word = "Сверхдлинноеслово"
        let width = font.width(of: "Сверх", size: 10) + 0.01
        let lines = PDFPage.wrap("а " + word, font: font, size: 10, width: width)
        #expect(lines.first == "а")
        #expect(lines.dropFirst().joined() == word)
        #expect(lines.allSatisfy { font.width(of: $0, size: 10) <= width })
    }

    @Test func newlinesAndEmptyInput() throws {
        let font = try loadFont(dejaVuSans)
        #expect(PDFPage.wrap("", font: font, size: 10, width: 100).isEmpty)
        #expect(PDFPage.wrap("а\n\nб", font: font, size: 10, width: 100) == ["а", "", "б"])
        #expect(PDFPage.wrap("а   б", font: font, size: 10, width: 100) == ["а б"])
    }
}

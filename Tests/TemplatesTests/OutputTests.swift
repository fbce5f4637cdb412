import Testing
import Templates

@Suite("Printing values")
struct OutputTests {
    @Test func plainTextPassesThrough() throws {
        #expect(try render("") == "")
        #expect(try render("Just text, { single } braces } and }}") == "Just text, { single } braces } and }}")
    }

    @Test func dottedPaths() throws {
        let context: TemplateValue = [
            "deal": ["title": "Поставка мебели"],
            "seller": ["bank": ["bik": "044525225", "name": "ПАО Сбербанк"]],
        ]
        #expect(try render("{{deal.title}} / {{ seller.bank.bik }} / {{  seller.bank.name  }}", context)
            == "Поставка мебели / 044525225 / ПАО Сбербанк")
    }

    @Test func scalarKinds() throws {
        let context: TemplateValue = ["n": 42, "f": 0.5, "d": .number("12.50"), "yes": true, "no": false, "none": nil]
        #expect(try render("{{n}}|{{f}}|{{d}}|{{yes}}|{{no}}|{{none}}|", context) == "42|0.5|12.50|true|false||")
    }

    @Test func arrayElementsByIndex() throws {
        let context: TemplateValue = ["rows": [["name": "Стол"], ["name": "Стул"]]]
        #expect(try render("{{ rows.1.name }}{{ rows.5.name }}{{ rows.x }}", context) == "Стул")
    }

    @Test func missingPathsRenderEmpty() throws {
        let context: TemplateValue = ["deal": ["title": "X"]]
        #expect(try render("[{{ deal.nope }}][{{ nope.at.all }}][{{ deal.title.deeper }}]", context) == "[][][]")
    }

    @Test func escapesHTML() throws {
        let context: TemplateValue = ["v": "<script>alert(\"x\" & 'y')</script>"]
        let escaped = "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        #expect(try render("{{ v }}", context) == escaped)
        #expect(try render("<a title=\"{{v}}\">", context) == "<a title=\"\(escaped)\">")
    }

    @Test func rawOutput() throws {
        let context: TemplateValue = ["html": "<b>ООО «Ромашка» & Co</b>"]
        #expect(try render("{{{ html }}}", context) == "<b>ООО «Ромашка» & Co</b>")
        #expect(try render("{{{html}}}", context) == "<b>ООО «Ромашка» & Co</b>")
        #expect(try render("{{ html | raw }}", context) == "<b>ООО «Ромашка» & Co</b>")
        #expect(try render("{{{ html | upper }}}", context) == "<B>ООО «РОМАШКА» & CO</B>")
        #expect(try render("{{ html | upper | raw }}", context) == "<B>ООО «РОМАШКА» & CO</B>")
    }

    @Test func cyrillicKeysAndValues() throws {
        let context: TemplateValue = ["покупатель": ["название": "ИП Иванов И. И."]]
        #expect(try render("Покупатель: {{ покупатель.название }}.", context) == "Покупатель: ИП Иванов И. И..")
    }

    @Test func commentsPrintNothing() throws {
        #expect(try render("a{{! a note }}b{{!multi\nline {{ still comment }}c") == "abc")
    }

    @Test func renderingTwiceGivesTheSameText() throws {
        let template = try Template("{{ a }}-{{ b }}")
        #expect(try template.render(["a": "1", "b": "2"]) == "1-2")
        #expect(try template.render(["a": "3"]) == "3-")
    }

    @Test func oneTemplateRendersConcurrently() async throws {
        let template = try Template("{{ n | money }}")
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask { try template.render(["n": .number("\(index)000")]) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(outputs.count == 8)
        #expect(outputs.contains("7\(nbsp)000,00"))
    }

    @Test func literalsBuildTheExpectedValues() {
        let value: TemplateValue = ["s": "x", "i": 7, "b": true, "a": [1, nil], "interpolated": "n=\(3)"]
        #expect(value == .object([
            "s": .string("x"), "i": .number("7"), "b": .bool(true),
            "a": .array([.number("1"), .null]), "interpolated": .string("n=3"),
        ]))
    }

    @Test func listsAndObjectsCannotBePrinted() throws {
        let error = try renderError("Rows:\n  {{ rows }}", ["rows": [1, 2]])
        #expect(error == TemplateError(line: 2, column: 3, message: "`rows` is a list and cannot be printed"))
        let other = try renderError("{{ deal }}", ["deal": ["a": 1]])
        #expect(other == TemplateError(line: 1, column: 1, message: "`deal` is an object and cannot be printed"))
    }

    @Test func errorDescription() {
        let error = TemplateError(line: 3, column: 7, message: "unknown filter `uper`")
        #expect(error.description == "line 3, column 7: unknown filter `uper`")
    }
}

import Testing
import Templates

@Suite("Strict mode")
struct StrictModeTests {
    let context: TemplateValue = ["deal": ["title": "Поставка", "note": nil], "rows": [["name": "Стол"]]]

    @Test func missingValueIsAnErrorWithPathAndPosition() throws {
        let error = try renderError("Сделка:\n  {{ deal.titel }}", context, strict: true)
        #expect(error == TemplateError(line: 2, column: 3, message: "missing value `deal.titel`"))
        #expect(try render("Сделка:\n  {{ deal.titel }}", context) == "Сделка:\n  ")
    }

    @Test func missingInsideLoopsConditionsAndEach() throws {
        #expect(try renderError("{{#each rows as row}}{{ row.price }}{{/each}}", context, strict: true)
            == TemplateError(line: 1, column: 22, message: "missing value `row.price`"))
        #expect(try renderError("x{{#if deal.vat}}{{/if}}", context, strict: true)
            == TemplateError(line: 1, column: 2, message: "missing value `deal.vat`"))
    }

    @Test func comparisonsAndEachInStrictMode() throws {
        #expect(try renderError(#"{{#if deal.kind == "ip"}}{{/if}}"#, context, strict: true)
            == TemplateError(line: 1, column: 1, message: "missing value `deal.kind`"))
        #expect(try renderError("{{#each items as i}}{{/each}}", context, strict: true)
            == TemplateError(line: 1, column: 1, message: "missing value `items`"))
    }

    @Test func nullIsNotMissing() throws {
        #expect(try render("[{{ deal.note }}]{{#if deal.note}}x{{/if}}", context, strict: true) == "[]")
    }

    @Test func defaultAcceptsMissingValues() throws {
        #expect(try render(#"{{ deal.vat | default: "без НДС" }}"#, context, strict: true) == "без НДС")
    }
}

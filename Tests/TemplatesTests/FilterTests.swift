import Testing
import Templates

@Suite("Filters")
struct FilterTests {
    @Test func upperAndLower() throws {
        let context: TemplateValue = ["name": "ООО «Ромашка» Ltd", "n": 5]
        #expect(try render("{{ name | upper }}", context) == "ООО «РОМАШКА» LTD")
        #expect(try render("{{ name | lower }}", context) == "ооо «ромашка» ltd")
        #expect(try render("{{ n | upper }}{{ missing | upper }}", context) == "5")
    }

    @Test func defaultReplacesMissingNullAndEmpty() throws {
        let context: TemplateValue = ["empty": "", "null": nil, "none": [], "zero": 0, "text": "есть", "no": false]
        let source = #"{{ missing | default: "—" }} {{ null | default: "—" }} {{ empty | default: "—" }} {{ none | default: "—" }} {{ zero | default: "—" }} {{ text | default: "—" }} {{ no | default: "—" }}"#
        #expect(try render(source, context) == "— — — — 0 есть false")
        #expect(try render(#"{{ m | default: 'say "hi" \\ \'x\'' }}"#) == "say &quot;hi&quot; \\ &#39;x&#39;")
        #expect(try render(#"{{ m | default: "<none>" | upper }}"#) == "&lt;NONE&gt;")
    }

    @Test(arguments: [
        ("2026-03-05", "5 марта 2026 г.", "05.03.2026"),
        ("2026-01-01", "1 января 2026 г.", "01.01.2026"),
        ("2025-12-31T23:59:59Z", "31 декабря 2025 г.", "31.12.2025"),
        ("2024-02-29", "29 февраля 2024 г.", "29.02.2024"),
        ("2026-05-09 10:00", "9 мая 2026 г.", "09.05.2026"),
        ("2026-08-15", "15 августа 2026 г.", "15.08.2026"),
    ])
    func dates(input: String, long: String, numeric: String) throws {
        let context: TemplateValue = ["d": .string(input)]
        #expect(try render(#"{{ d | date: "long" }}"#, context) == long)
        #expect(try render(#"{{ d | date: "numeric" }}"#, context) == numeric)
    }

    @Test func allMonthNames() throws {
        let months = ["января", "февраля", "марта", "апреля", "мая", "июня",
                      "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        let template = try Template(#"{{ d | date: "long" }}"#)
        for (offset, name) in months.enumerated() {
            let month = offset + 1 < 10 ? "0\(offset + 1)" : "\(offset + 1)"
            #expect(try template.render(["d": "2026-\(month)-10"]) == "10 \(name) 2026 г.")
        }
    }

    @Test func emptyAndMissingDatesPrintNothing() throws {
        #expect(try render(#"[{{ d | date: "long" }}][{{ e | date: "numeric" }}]"#, ["e": ""]) == "[][]")
    }

    @Test(arguments: ["2023-02-29", "2026-13-01", "2026-04-31", "2026-00-10", "05.03.2026", "2026-03-05x", "2026-3-5", "завтра"])
    func invalidDates(input: String) throws {
        let error = try renderError("Дата:\n  {{ d | date: \"long\" }}", ["d": .string(input)])
        #expect(error == TemplateError(line: 2, column: 3, message: "filter `date` expects a date like 2026-03-05, got \"\(input)\""))
    }

    @Test(arguments: [
        ("12345.6", "12\u{00A0}345,60"),
        ("0", "0,00"),
        ("0.5", "0,50"),
        ("100", "100,00"),
        ("1000", "1\u{00A0}000,00"),
        ("-1234.5", "-1\u{00A0}234,50"),
        ("-5", "-5,00"),
        ("1234567.891", "1\u{00A0}234\u{00A0}567,89"),
        ("1000000", "1\u{00A0}000\u{00A0}000,00"),
        ("999999.995", "1\u{00A0}000\u{00A0}000,00"),
        ("0.005", "0,01"),
        ("-0.005", "-0,01"),
        ("-0.001", "0,00"),
        ("007.10", "7,10"),
        ("123456789012345678901234.5", "123\u{00A0}456\u{00A0}789\u{00A0}012\u{00A0}345\u{00A0}678\u{00A0}901\u{00A0}234,50"),
    ])
    func money(input: String, expected: String) throws {
        #expect(try render("{{ v | money }}", ["v": .number(input)]) == expected)
        #expect(try render("{{ v | money }}", ["v": .string(input)]) == expected)
    }

    @Test func moneyOfMissingOrEmptyPrintsNothing() throws {
        #expect(try render("[{{ v | money }}][{{ e | money }}][{{ n | money }}]", ["e": "", "n": nil]) == "[][][]")
        #expect(try render(#"{{ v | money | default: "0,00" }}"#) == "0,00")
    }

    @Test(arguments: ["12,5", "1e3", " 1", "+1", "1.", ".5", "1.2.3", "abc", "1 000", "-"])
    func invalidMoney(input: String) throws {
        let error = try renderError("{{ v | money }}", ["v": .string(input)])
        #expect(error == TemplateError(line: 1, column: 1, message: "filter `money` expects a decimal number like 1234.50, got \"\(input)\""))
    }

    @Test(arguments: [
        ("1234.500", "1\u{00A0}234,500"),
        ("7", "7"),
        ("0.5", "0,5"),
        ("-0.25", "-0,25"),
        ("1000000", "1\u{00A0}000\u{00A0}000"),
        ("12.0", "12,0"),
    ])
    func number(input: String, expected: String) throws {
        #expect(try render("{{ v | number }}", ["v": .number(input)]) == expected)
    }

    @Test func invalidNumber() throws {
        let error = try renderError("{{ v | number }}", ["v": "два"])
        #expect(error?.message == "filter `number` expects a decimal number like 1234.50, got \"два\"")
    }

    @Test func filtersRefuseListsAndObjects() throws {
        let error = try renderError("{{ v | upper }}", ["v": [1]])
        #expect(error == TemplateError(line: 1, column: 1, message: "filter `upper` cannot be applied to a list"))
    }

    @Test func filtersChainLeftToRight() throws {
        #expect(try render(#"{{ s | lower | upper }} {{ m | default: "1500" | money }}"#, ["s": "Да"]) == "ДА 1\(nbsp)500,00")
    }
}

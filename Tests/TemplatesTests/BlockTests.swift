import Testing
import Templates

@Suite("Blocks")
struct BlockTests {
    let rows: TemplateValue = ["rows": [
        ["name": "Стол", "qty": 2],
        ["name": "Стул", "qty": 4],
        ["name": "Шкаф", "qty": 1],
    ]]

    @Test func eachWithIndexFirstLast() throws {
        let source = "{{#each rows as row}}{{@index}}.{{row.name}}×{{ row.qty }}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}};{{/each}}"
        #expect(try render(source, rows) == "1.Стол×2(first);2.Стул×4;3.Шкаф×1(last);")
    }

    @Test func loopVariablesPrint() throws {
        #expect(try render("{{#each rows as row}}{{ @index }}:{{ @first }}/{{ @last }} {{/each}}", rows)
            == "1:true/false 2:false/false 3:false/true ")
    }

    @Test func separatorsWithUnlessLast() throws {
        let source = "{{#each rows as row}}{{ row.name }}{{#unless @last}}, {{/unless}}{{/each}}"
        #expect(try render(source, rows) == "Стол, Стул, Шкаф")
    }

    @Test func eachElseForEmptyNullOrMissing() throws {
        let source = "{{#each rows as row}}{{ row }}{{else}}нет строк{{/each}}"
        #expect(try render(source, ["rows": []]) == "нет строк")
        #expect(try render(source, ["rows": nil]) == "нет строк")
        #expect(try render(source, [:]) == "нет строк")
        #expect(try render(source, ["rows": ["a", "b"]]) == "ab")
    }

    @Test func eachOverScalarIsAnError() throws {
        let error = try renderError("x\n{{#each deal as d}}{{/each}}", ["deal": ["a": 1]])
        #expect(error == TemplateError(line: 2, column: 1, message: "`deal` is an object; `{{#each}}` needs a list"))
    }

    @Test func nestedLoopsWithOuterIndex() throws {
        let context: TemplateValue = ["groups": [
            ["title": "A", "items": ["x", "y"]],
            ["title": "B", "items": ["z"]],
        ]]
        let source = "{{#each groups as g}}[{{ g.title }}:{{#each g.items as item}} {{ g | index }}.{{ @index }}={{ item }}{{/each}}]{{/each}}"
        #expect(try render(source, context) == "[A: 1.1=x 1.2=y][B: 2.1=z]")
        #expect(try render("{{#each groups as g}}{{ @index | index }}{{/each}}", context) == "12")
    }

    @Test func innerAliasShadowsOuterAndRoot() throws {
        let context: TemplateValue = ["x": "root", "list": [["list": ["inner"]]]]
        #expect(try render("{{#each list as x}}{{#each x.list as x}}{{ x }}{{/each}}{{/each}}{{ x }}", context) == "innerroot")
    }

    @Test func ifElse() throws {
        let source = "{{#if deal.vat}}с НДС{{else}}без НДС{{/if}}"
        #expect(try render(source, ["deal": ["vat": true]]) == "с НДС")
        #expect(try render(source, ["deal": ["vat": false]]) == "без НДС")
        #expect(try render(source, [:]) == "без НДС")
    }

    @Test(arguments: [
        (TemplateValue.string("x"), true), (.string(""), false),
        (.number("1"), true), (.number("0"), false), (.number("0.00"), false), (.number("-0.5"), true), (.number("0e5"), false),
        (.bool(true), true), (.bool(false), false),
        (.array([.null]), true), (.array([]), false),
        (.object(["a": .null]), true), (.object([:]), false),
        (.null, false),
    ])
    func truthiness(value: TemplateValue, truthy: Bool) throws {
        #expect(value.isTruthy == truthy)
        #expect(try render("{{#if v}}yes{{else}}no{{/if}}", ["v": value]) == (truthy ? "yes" : "no"))
        #expect(try render("{{#unless v}}no{{else}}yes{{/unless}}", ["v": value]) == (truthy ? "yes" : "no"))
    }

    @Test func comparisons() throws {
        let source = #"{{#if buyer.kind == "ip"}}ИП{{else}}{{#if buyer.kind != "ooo"}}?{{else}}ООО{{/if}}{{/if}}"#
        #expect(try render(source, ["buyer": ["kind": "ip"]]) == "ИП")
        #expect(try render(source, ["buyer": ["kind": "ooo"]]) == "ООО")
        #expect(try render(source, ["buyer": ["kind": "ao"]]) == "?")
        #expect(try render(source, [:]) == "?")
        #expect(try render(#"{{#if n == "12.50"}}eq{{/if}}{{#if b == "true"}}T{{/if}}{{#if m == ""}}E{{/if}}"#, ["n": .number("12.50"), "b": true]) == "eqTE")
        #expect(try render(#"{{#if l == ""}}E{{else}}list{{/if}}"#, ["l": []]) == "list")
        #expect(try render(#"{{#each r as x}}{{#if @index == "2"}}second{{/if}}{{/each}}"#, ["r": [1, 2, 3]]) == "second")
    }

    @Test func nestedIfAndEach() throws {
        let context: TemplateValue = ["rows": [
            ["name": "Стол", "discount": "10"],
            ["name": "Стул"],
        ], "showDiscounts": true]
        let source = "{{#if rows}}{{#each rows as row}}{{ row.name }}{{#if showDiscounts}}{{#if row.discount}} (−{{ row.discount }}%){{/if}}{{/if}};{{/each}}{{else}}пусто{{/if}}"
        #expect(try render(source, context) == "Стол (−10%);Стул;")
        #expect(try render(source, ["rows": []]) == "пусто")
    }

    @Test func standaloneBlockLinesDisappear() throws {
        let source = """
        <ul>
          {{#each rows as row}}
          <li>{{ row.name }}</li>
          {{! the quantity is not shown }}
          {{/each}}
        </ul>
        {{#if note}}
        <p>{{ note }}</p>
        {{else}}
        <p>—</p>
        {{/if}}
        """
        let expected = """
        <ul>
          <li>Стол</li>
          <li>Стул</li>
          <li>Шкаф</li>
        </ul>
        <p>—</p>

        """
        #expect(try render(source, rows) == expected)
    }

    @Test func inlineBlocksKeepTheirSpaces() throws {
        #expect(try render("a {{#if x}} b {{/if}} c", ["x": true]) == "a  b  c")
        #expect(try render("  {{#if x}}\n{{/if}}\n", ["x": true]) == "")
        #expect(try render("{{#if x}}yes{{/if}}\n", ["x": true]) == "yes\n")
        #expect(try render("\r\n  {{#if x}}  \r\nA\r\n{{/if}}\r\n", ["x": true]) == "\r\nA\r\n")
    }
}

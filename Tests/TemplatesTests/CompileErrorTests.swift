import Testing
import Templates

@Suite("Compile errors")
struct CompileErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let source: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(source: "Hello {{ name", line: 1, column: 7, message: "unclosed tag: expected `}}`"),
        Case(source: "ab\n  {{{ html }}", line: 2, column: 3, message: "unclosed tag: expected `}}}`"),
        Case(source: "x\n\n{{! never ends", line: 3, column: 1, message: "unclosed comment: expected `}}`"),
        Case(source: "{{ }}", line: 1, column: 4, message: "empty tag"),
        Case(source: "{{{}}}", line: 1, column: 4, message: "empty tag"),
        Case(source: "{{#each rows}}{{/each}}", line: 1, column: 13, message: "expected `as` and a name, as in `{{#each rows as row}}`"),
        Case(source: "{{#each rows as}}{{/each}}", line: 1, column: 16, message: "expected a name after `as`"),
        Case(source: "{{#each rows as a.b}}{{/each}}", line: 1, column: 17, message: "`a.b` cannot name a loop item: use letters, digits, `_` or `-`"),
        Case(source: "{{#each @index as i}}{{/each}}", line: 1, column: 9, message: "`@index` is only available inside `{{#each}}`"),
        Case(source: "{{#each}}", line: 1, column: 8, message: "expected a path after `#each`"),
        Case(source: "x {{ a | uper }}", line: 1, column: 10, message: "unknown filter `uper`"),
        Case(source: "Привет, {{ имя | upper | foo }}", line: 1, column: 26, message: "unknown filter `foo`"),
        Case(source: "{{ a | }}", line: 1, column: 8, message: "expected a filter name after `|`"),
        Case(source: "{{ a | default }}", line: 1, column: 8, message: "filter `default` needs an argument, as in `default: \"—\"`"),
        Case(source: "{{ a | default: x }}", line: 1, column: 17, message: "expected a quoted argument after `default:`"),
        Case(source: "{{ a | date: \"short\" }}", line: 1, column: 8, message: "filter `date` needs `date: \"long\"` or `date: \"numeric\"`"),
        Case(source: "{{ a | date }}", line: 1, column: 8, message: "filter `date` needs `date: \"long\"` or `date: \"numeric\"`"),
        Case(source: "{{ a | upper: \"x\" }}", line: 1, column: 8, message: "filter `upper` takes no argument"),
        Case(source: "{{ a | raw: \"x\" }}", line: 1, column: 8, message: "filter `raw` takes no argument"),
        Case(source: "{{ a | raw | upper }}", line: 1, column: 8, message: "`raw` must be the last filter"),
        Case(source: "{{ a | index }}", line: 1, column: 8, message: "filter `index` applies to a loop item, as in `{{ row | index }}`"),
        Case(source: "{{#each r as x}}{{ x.name | index }}{{/each}}", line: 1, column: 29, message: "filter `index` applies to a loop item, as in `{{ row | index }}`"),
        Case(source: "{{#each r as x}}{{ x | upper | index }}{{/each}}", line: 1, column: 32, message: "`index` must be the first filter"),
        Case(source: "{{ a | default: \"x }}", line: 1, column: 17, message: "unterminated string"),
        Case(source: "{{ a | default: \"\\n\" }}", line: 1, column: 18, message: "unknown escape in string; only \\\", \\' and \\\\ are allowed"),
        Case(source: "{{#loop a}}", line: 1, column: 4, message: "unknown block `#loop`; expected `#each`, `#if` or `#unless`"),
        Case(source: "{{# }}", line: 1, column: 5, message: "expected `each`, `if` or `unless` after `#`"),
        Case(source: "{{/for}}", line: 1, column: 4, message: "expected `/each`, `/if` or `/unless`"),
        Case(source: "{{#if a = \"b\"}}{{/if}}", line: 1, column: 9, message: "unexpected `=`; did you mean `==` or `!=`?"),
        Case(source: "{{#if a == b}}{{/if}}", line: 1, column: 12, message: "expected a quoted string to compare with"),
        Case(source: "{{#if a \"b\"}}{{/if}}", line: 1, column: 9, message: "unexpected string in tag"),
        Case(source: "{{#unless a b}}{{/unless}}", line: 1, column: 13, message: "unexpected `b` in tag"),
        Case(source: "{{/if x}}", line: 1, column: 7, message: "unexpected `x` in tag"),
        Case(source: "{{else x}}", line: 1, column: 8, message: "unexpected `x` in tag"),
        Case(source: "{{ a b }}", line: 1, column: 6, message: "unexpected `b` in tag"),
        Case(source: "{{ a < b }}", line: 1, column: 6, message: "unexpected character `<` in tag"),
        Case(source: "{{ a {{ b }}", line: 1, column: 6, message: "unexpected character `{` in tag"),
        Case(source: "{{ a..b }}", line: 1, column: 4, message: "malformed path `a..b`"),
        Case(source: "{{ .a }}", line: 1, column: 4, message: "malformed path `.a`"),
        Case(source: "{{ a.@index }}", line: 1, column: 4, message: "malformed path `a.@index`"),
        Case(source: "{{ @foo }}", line: 1, column: 4, message: "unknown variable `@foo`; expected `@index`, `@first` or `@last`"),
        Case(source: "{{ @index }}", line: 1, column: 4, message: "`@index` is only available inside `{{#each}}`"),
        Case(source: "{{#each r as x}}{{else}}{{ @first }}{{/each}}", line: 1, column: 28, message: "`@first` is only available inside `{{#each}}`"),
        Case(source: "{{{#if a}}}", line: 1, column: 4, message: "blocks cannot be written with triple braces"),
        Case(source: "{{#if a}}\n  text\n{{/each}}", line: 3, column: 1, message: "`{{/each}}` closes `{{#if}}` opened at line 1, column 1"),
        Case(source: "{{#if a}}\n  {{#each b as c}}\n", line: 2, column: 3, message: "`{{#each}}` is never closed"),
        Case(source: "ok\n{{#unless a}}", line: 2, column: 1, message: "`{{#unless}}` is never closed"),
        Case(source: "text {{/if}}", line: 1, column: 6, message: "`{{/if}}` without an open block"),
        Case(source: "{{else}}", line: 1, column: 1, message: "`{{else}}` outside of a block"),
        Case(source: "{{#if a}}{{else}}{{else}}{{/if}}", line: 1, column: 18, message: "a second `{{else}}` in the same block"),
        Case(source: "Счёт №\n\tИтого: {{ total | money: \"RUB\" }}", line: 2, column: 20, message: "filter `money` takes no argument"),
    ]

    @Test(arguments: cases)
    func reportsPosition(_ testCase: Case) {
        let error = compileError(testCase.source)
        #expect(error == TemplateError(line: testCase.line, column: testCase.column, message: testCase.message))
    }

    @Test func aliasIsNotInScopeAfterTheLoopOrInItsElse() throws {
        // Outside its loop `row` is an ordinary root path, so it compiles and is missing.
        #expect(try render("{{#each rows as row}}{{else}}[{{ row }}]{{/each}}{{ row }}", ["rows": []]) == "[]")
        #expect(compileError("{{#each rows as row}}{{/each}}{{ row | index }}")?.message == "filter `index` applies to a loop item, as in `{{ row | index }}`")
    }
}

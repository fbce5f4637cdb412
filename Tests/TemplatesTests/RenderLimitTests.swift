import Testing
import Templates

@Suite("Limits and speed")
struct RenderLimitTests {
    private func nested(_ depth: Int) -> String {
        String(repeating: "{{#if a}}", count: depth) + "x" + String(repeating: "{{/if}}", count: depth)
    }

    @Test func nestingUpToTheLimitCompiles() throws {
        #expect(try render(nested(Template.maximumNestingDepth), ["a": true]) == "x")
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let error = compileError("\n" + nested(Template.maximumNestingDepth + 1))
        #expect(error == TemplateError(line: 2, column: 1 + 9 * Template.maximumNestingDepth, message: "blocks nested deeper than 32 levels"))
    }

    @Test func outputBeyondTheLimitIsAnError() throws {
        let row = TemplateValue.string(String(repeating: "я", count: 512)) // 1 KiB of UTF-8
        let context: TemplateValue = ["rows": .array(Array(repeating: row, count: 10 * 1024 + 1))]
        let error = try renderError("<table>\n{{#each rows as r}}{{ r }}{{/each}}", context)
        #expect(error == TemplateError(line: 2, column: 20, message: "the output exceeds 10485760 bytes"))
        let fits = try render("{{#each rows as r}}{{ r }}{{/each}}", ["rows": .array(Array(repeating: row, count: 10 * 1024))])
        #expect(fits.utf8.count == Template.maximumOutputBytes)
    }

    @Test func workWithoutOutputIsBounded() throws {
        // 1000 × 1000 × 10 iterations that print nothing: stopped by the step limit.
        let list = TemplateValue.array(Array(repeating: .null, count: 1000))
        let source = "{{#each a as x}}{{#each a as y}}{{#each b as z}}{{/each}}{{/each}}{{/each}}"
        let error = try renderError(source, ["a": list, "b": .array(Array(repeating: .null, count: 10))])
        #expect(error?.message == "the template does too much work (more than 10000000 steps)")
        #expect(error?.line == 1)
    }

    @Test func hundredRowTableRendersQuickly() throws {
        let template = try Template(InvoiceFixture.template)
        let context = InvoiceFixture.context(rows: 100)
        let output = try template.render(context)
        #expect(output.contains("<td>100</td>"))
        // The best of ten batches, so that other processes on a shared machine skew it less.
        let clock = ContinuousClock()
        let runs = 30
        var perRender = Duration.seconds(1)
        for _ in 0..<10 {
            let elapsed = try clock.measure {
                for _ in 0..<runs { _ = try template.render(context) }
            }
            perRender = min(perRender, elapsed / runs)
        }
        print("Rendering the invoice with 100 rows: \(perRender) per render (\(output.utf8.count) bytes)")
        // Generous for debug builds and busy machines; release builds are far below 1 ms.
        #expect(perRender < .milliseconds(20))
    }
}

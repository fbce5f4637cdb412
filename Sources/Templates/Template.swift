/// A compiled document template: parse once with ``init(_:)``, then ``render(_:strict:)``
/// as many times as needed, from any thread.
///
/// The language is a small, strict Mustache dialect for HTML documents:
///
/// - `{{ deal.title }}` prints the value at a dotted path, HTML-escaped (`&`, `<`, `>`,
///   `"`, `'`); `{{{ deal.note }}}` or `{{ deal.note | raw }}` prints it unescaped.
///   Digit segments index lists: `{{ rows.0.name }}`.
/// - Filters, left to right: `upper`, `lower`, `default: "—"` (for a missing, null or
///   empty value), `date: "long"` ("2026-03-05" → "5 марта 2026 г."), `date: "numeric"`
///   ("05.03.2026"), `money` ("12345.6" → "12 345,60", rounded half away from zero),
///   `number` ("1234.5" → "1 234,5"), `raw` (last: print unescaped), `index` (first, on a
///   loop item: its 1-based position). Digits are grouped with a no-break space U+00A0
///   (not the narrow U+202F, which some fonts and viewers lack); the minus is ASCII `-`.
///   A filter that cannot read its input (`date` on "завтра") is a render error.
/// - `{{#each rows as row}} … {{else}} … {{/each}}`: the body once per element, the
///   optional `{{else}}` branch when the list is empty, null or missing. Inside,
///   `{{ @index }}` (from 1), `{{ @first }}`, `{{ @last }}` describe the innermost loop and
///   `{{ row | index }}` the position of any enclosing loop's item.
/// - `{{#if path}} … {{else}} … {{/if}}`, `{{#if path == "ip"}}`, `{{#if path != "ip"}}`,
///   `{{#unless path}} … {{/unless}}`. Truthiness is ``TemplateValue/isTruthy``; an
///   equality compares the printed text, and a missing or null value prints as "".
/// - `{{! comment }}` prints nothing.
/// - A line holding only a block tag, `{{else}}` or a comment (and spaces) is removed
///   whole, so blocks can stand on lines of their own.
///
/// A missing path prints as empty text, is false in a condition and loops zero times;
/// with `strict: true` it is an error naming the path instead (a `.null` value is not
/// missing, and a `default` filter accepts a missing value in both modes).
///
/// Work is bounded: blocks nest at most ``maximumNestingDepth`` deep, output stops with
/// an error beyond ``maximumOutputBytes``, and rendering stops after ``maximumSteps``
/// nodes. Templates cannot run code, include files, or call anything.
public struct Template: Sendable {
    /// How deep blocks may nest: a deeper one is a compile error.
    public static let maximumNestingDepth = 32
    /// The largest output in UTF-8 bytes (10 MiB): rendering more is an error.
    public static let maximumOutputBytes = 10 * 1024 * 1024
    /// The most nodes one rendering may visit (loops multiply them): more is an error.
    public static let maximumSteps = 10_000_000

    private let nodes: [TemplateNode]

    /// Compiles `source`. Unclosed, mismatched or stray block tags, malformed tags,
    /// unknown filters and bad filter arguments are errors at their line and column.
    public init(_ source: String) throws(TemplateError) {
        let text = SourceText(source)
        let segments = try TemplateLexer.segments(of: text)
        nodes = try TemplateCompiler.compile(segments, source: text)
    }

    /// The template filled from `context`, usually an object whose keys the paths start
    /// with. Errors name the tag's opening `{{`: a value that cannot be printed (a list,
    /// an object), a filter's bad input (`date` on "yesterday"), a loop over something
    /// that is not a list, a limit exceeded, and with `strict`, a missing value.
    public func render(_ context: TemplateValue, strict: Bool = false) throws(TemplateError) -> String {
        var renderer = TemplateRenderer(root: context, strict: strict)
        try renderer.render(nodes)
        return renderer.output
    }
}

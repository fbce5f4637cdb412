/// The kinds of block a template can open and must close.
enum BlockKind: String, Sendable {
    case each
    case `if`
    case unless
}

/// A word inside a tag (a path, a filter name, a keyword) with its byte offset.
struct WordSyntax {
    let text: String
    let offset: Int
}

/// A filter as written: `| name` or `| name: "argument"`.
struct FilterSyntax {
    let name: WordSyntax
    let argument: String?
}

/// One tag as written, before names are resolved against the enclosing loops.
enum TagSyntax {
    /// `{{ path | filter }}`, or `{{{ path }}}` when `triple`.
    case output(WordSyntax, filters: [FilterSyntax], triple: Bool)
    /// `{{#each path as alias}}`.
    case openEach(path: WordSyntax, alias: WordSyntax)
    /// `{{#if path}}`, `{{#if path == "text"}}` or `{{#if path != "text"}}`.
    case openIf(WordSyntax, comparison: (negated: Bool, literal: String)?)
    /// `{{#unless path}}`.
    case openUnless(WordSyntax)
    /// `{{else}}`.
    case elseBranch
    /// `{{/each}}`, `{{/if}}`, `{{/unless}}`.
    case close(BlockKind)
    /// `{{! … }}`.
    case comment

    /// Whether a line holding only this tag (and spaces) disappears from the output
    /// entirely, as in Mustache: true for block, else and comment tags.
    var isStandaloneCandidate: Bool {
        if case .output = self { return false }
        return true
    }
}

/// A parsed tag and the byte offset of its opening `{{`.
struct Tag {
    let syntax: TagSyntax
    let start: Int
}

/// A piece of the source: literal text (a byte range) or a tag.
enum Segment {
    case text(Range<Int>)
    case tag(Tag)
}

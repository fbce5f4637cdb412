/// Why a template could not be compiled or rendered, with the place in its source.
///
/// Lines and columns count from 1; a column counts characters (Unicode scalars), so
/// Cyrillic text before a tag does not shift it. Compile errors point at the offending
/// token (an unknown filter points at the filter's name); render errors point at the
/// opening `{{` of the tag being rendered.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line in the template source, from 1.
    public let line: Int
    /// The column in that line, from 1, in Unicode scalars.
    public let column: Int
    /// What went wrong, in English, e.g. "unknown filter `uper`".
    public let message: String

    /// An error at the given place.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// "line 3, column 7: unknown filter `uper`".
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A place in the template source, kept in compiled nodes for render-time errors.
struct SourcePosition: Sendable, Equatable {
    let line: Int
    let column: Int

    func error(_ message: String) -> TemplateError {
        TemplateError(line: line, column: column, message: message)
    }
}

/// A compiled template: literal text, printed values, conditions and loops, with every
/// name already resolved to the data root or to an enclosing loop's slot.
///
/// Tags are held by final classes so that walking the tree costs one reference count
/// per node rather than one per field.
enum TemplateNode: Sendable {
    /// Literal text, copied to the output.
    case text(String, at: SourcePosition)
    /// A value printed through filters.
    case value(ValueNode)
    /// `{{#if}}` or `{{#unless}}` with its two branches.
    case condition(ConditionNode)
    /// `{{#each}}` with its body and `{{else}}` branch.
    case loop(LoopNode)
}

/// `{{ path | filters }}`: HTML-escaped unless `escaped` is false.
final class ValueNode: Sendable {
    let expression: ValueExpression
    let filters: [TemplateFilter]
    let escaped: Bool
    /// Whether a `default` filter accepts a missing value (even in strict mode).
    let acceptsMissing: Bool
    let position: SourcePosition

    init(expression: ValueExpression, filters: [TemplateFilter], escaped: Bool, position: SourcePosition) {
        self.expression = expression
        self.filters = filters
        self.escaped = escaped
        self.acceptsMissing = filters.contains { if case .defaultText = $0 { true } else { false } }
        self.position = position
    }
}

/// `{{#if}}` / `{{#unless}}`: `then` when the condition holds, else `otherwise`.
final class ConditionNode: Sendable {
    let condition: TemplateCondition
    let then: [TemplateNode]
    let otherwise: [TemplateNode]
    let position: SourcePosition

    init(condition: TemplateCondition, then: [TemplateNode], otherwise: [TemplateNode], position: SourcePosition) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        self.position = position
    }
}

/// `{{#each}}`: `body` once per element, with the element in loop slot `slot`; `empty`
/// (the `{{else}}` branch) when there are none.
final class LoopNode: Sendable {
    let path: PathReference
    let slot: Int
    let body: [TemplateNode]
    let empty: [TemplateNode]
    let position: SourcePosition

    init(path: PathReference, slot: Int, body: [TemplateNode], empty: [TemplateNode], position: SourcePosition) {
        self.path = path
        self.slot = slot
        self.body = body
        self.empty = empty
        self.position = position
    }
}

/// What a tag reads: a path into the data, or a fact about an enclosing loop.
enum ValueExpression: Sendable {
    case path(PathReference)
    /// The 1-based position of the element in loop slot `slot`.
    case loopIndex(slot: Int)
    /// Whether the element in loop slot `slot` is the first.
    case loopFirst(slot: Int)
    /// Whether the element in loop slot `slot` is the last.
    case loopLast(slot: Int)
}

/// A dotted path resolved at compile time: it starts at the data root or at the
/// element of an enclosing loop, then follows keys (or indexes into arrays). A class so
/// that passing nodes around while rendering costs one reference count, not one per field.
final class PathReference: Sendable {
    enum Base: Sendable {
        case root
        case loopItem(slot: Int)
    }

    struct Key: Sendable {
        let name: String
        /// The key as an array index, when it is made of digits.
        let index: Int?
    }

    let base: Base
    let keys: [Key]
    /// The path as written, for error messages.
    let text: String

    init(base: Base, keys: [Key], text: String) {
        self.base = base
        self.keys = keys
        self.text = text
    }
}

/// The test of an `{{#if}}` or `{{#unless}}`.
enum TemplateCondition: Sendable {
    /// True when the value is truthy (false when `negated`).
    case truthy(ValueExpression, negated: Bool)
    /// True when the value's text equals `literal` (differs from it when `negated`).
    case equals(ValueExpression, literal: String, negated: Bool)
}

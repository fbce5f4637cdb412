/// Walks a compiled template over one data value, writing the output and enforcing the
/// limits: ``Template/maximumOutputBytes`` and ``Template/maximumSteps``.
///
/// Recursion follows the template's own blocks only (at most
/// ``Template/maximumNestingDepth`` deep); data is only read along compiled paths.
struct TemplateRenderer {
    /// The element a loop slot currently holds.
    private struct LoopFrame {
        let items: [TemplateValue]
        var index: Int
    }

    private let root: TemplateValue
    private let strict: Bool
    private var loops: [LoopFrame] = []
    private var steps = 0
    private(set) var output = ""

    init(root: TemplateValue, strict: Bool) {
        self.root = root
        self.strict = strict
    }

    mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let text, let position):
                try countStep(at: position)
                output += text
                try checkSize(at: position)
            case .value(let node):
                try countStep(at: node.position)
                try renderValue(node)
                try checkSize(at: node.position)
            case .condition(let node):
                try countStep(at: node.position)
                try render(try holds(node.condition, at: node.position) ? node.then : node.otherwise)
            case .loop(let node):
                try countStep(at: node.position)
                try renderLoop(node)
            }
        }
    }

    private func checkSize(at position: SourcePosition) throws(TemplateError) {
        if output.utf8.count > Template.maximumOutputBytes {
            throw position.error("the output exceeds \(Template.maximumOutputBytes) bytes")
        }
    }

    private mutating func renderValue(_ node: ValueNode) throws(TemplateError) {
        let position = node.position
        var value = evaluate(node.expression)
        if value == nil, strict, !node.acceptsMissing {
            throw missing(node.expression, at: position)
        }
        for filter in node.filters {
            value = try filter.apply(to: value, at: position)
        }
        guard let value else { return }
        guard let text = value.scalarText else {
            throw position.error("\(name(of: node.expression)) is \(value.kindName) and cannot be printed")
        }
        if node.escaped {
            HTMLEscaping.append(text, to: &output)
        } else {
            output += text
        }
    }

    private mutating func renderLoop(_ node: LoopNode) throws(TemplateError) {
        let (path, slot, body, empty, position) = (node.path, node.slot, node.body, node.empty, node.position)
        let value = evaluate(.path(path))
        switch value {
        case nil:
            if strict { throw missing(.path(path), at: position) }
            try render(empty)
        case .null?:
            try render(empty)
        case .array(let items)?:
            guard !items.isEmpty else {
                try render(empty)
                return
            }
            assert(loops.count == slot)
            loops.append(LoopFrame(items: items, index: 0))
            for index in items.indices {
                try countStep(at: position)
                loops[slot].index = index
                try render(body)
            }
            loops.removeLast()
        case let value?:
            throw position.error("`\(path.text)` is \(value.kindName); `{{#each}}` needs a list")
        }
    }

    /// Counts one node visited or one loop iteration against ``Template/maximumSteps``.
    private mutating func countStep(at position: SourcePosition) throws(TemplateError) {
        steps += 1
        if steps > Template.maximumSteps {
            throw position.error("the template does too much work (more than \(Template.maximumSteps) steps)")
        }
    }

    private func holds(_ condition: TemplateCondition, at position: SourcePosition) throws(TemplateError) -> Bool {
        switch condition {
        case .truthy(let expression, let negated):
            let value = evaluate(expression)
            if value == nil, strict { throw missing(expression, at: position) }
            return (value?.isTruthy ?? false) != negated
        case .equals(let expression, let literal, let negated):
            let value = evaluate(expression)
            if value == nil, strict { throw missing(expression, at: position) }
            let text = value.map(\.scalarText) ?? ""
            return (text == literal) != negated
        }
    }

    /// The value an expression names, or nil when a key along its path is absent.
    private func evaluate(_ expression: ValueExpression) -> TemplateValue? {
        switch expression {
        case .loopIndex(let slot): return .number(String(loops[slot].index + 1))
        case .loopFirst(let slot): return .bool(loops[slot].index == 0)
        case .loopLast(let slot): return .bool(loops[slot].index == loops[slot].items.count - 1)
        case .path(let path):
            var current: TemplateValue
            switch path.base {
            case .root: current = root
            case .loopItem(let slot): current = loops[slot].items[loops[slot].index]
            }
            for key in path.keys {
                switch current {
                case .object(let fields):
                    guard let next = fields[key.name] else { return nil }
                    current = next
                case .array(let items):
                    guard let index = key.index, items.indices.contains(index) else { return nil }
                    current = items[index]
                default:
                    return nil
                }
            }
            return current
        }
    }

    private func name(of expression: ValueExpression) -> String {
        switch expression {
        case .path(let path): return "`\(path.text)`"
        case .loopIndex: return "`@index`"
        case .loopFirst: return "`@first`"
        case .loopLast: return "`@last`"
        }
    }

    private func missing(_ expression: ValueExpression, at position: SourcePosition) -> TemplateError {
        position.error("missing value \(name(of: expression))")
    }
}

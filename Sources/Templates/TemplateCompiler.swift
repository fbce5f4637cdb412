/// Turns the lexer's segments into a tree of ``TemplateNode``: matches blocks with their
/// `{{else}}` and closing tags, resolves names against the enclosing loops, checks
/// filters, and limits nesting to ``Template/maximumNestingDepth``.
struct TemplateCompiler {
    /// A block opened and not yet closed, collecting its branches.
    private struct OpenBlock {
        let kind: BlockKind
        let start: Int
        var condition: TemplateCondition?
        var loop: (path: PathReference, alias: String, slot: Int)?
        var primary: [TemplateNode] = []
        var alternative: [TemplateNode] = []
        var hasElse = false

        /// Whether the block's loop item is in scope where nodes are now being added.
        var isActiveLoop: Bool { loop != nil && !hasElse }
    }

    private let source: SourceText
    private var stack: [OpenBlock] = []
    private var root: [TemplateNode] = []

    static func compile(_ segments: [Segment], source: SourceText) throws(TemplateError) -> [TemplateNode] {
        var compiler = TemplateCompiler(source: source)
        for segment in segments {
            switch segment {
            case .text(let range):
                compiler.append(.text(source.string(range), at: source.position(of: range.lowerBound)))
            case .tag(let tag):
                try compiler.add(tag)
            }
        }
        if let open = compiler.stack.last {
            throw source.error(at: open.start, "`{{#\(open.kind.rawValue)}}` is never closed")
        }
        return compiler.root
    }

    private init(source: SourceText) {
        self.source = source
    }

    private mutating func append(_ node: TemplateNode) {
        guard !stack.isEmpty else {
            root.append(node)
            return
        }
        if stack[stack.count - 1].hasElse {
            stack[stack.count - 1].alternative.append(node)
        } else {
            stack[stack.count - 1].primary.append(node)
        }
    }

    private mutating func add(_ tag: Tag) throws(TemplateError) {
        switch tag.syntax {
        case .comment:
            break
        case .output(let word, let filters, let triple):
            try addOutput(word, filters: filters, escaped: !triple, start: tag.start)
        case .openEach(let pathWord, let alias):
            guard case .path(let path) = try resolve(pathWord) else {
                throw source.error(at: pathWord.offset, "`{{#each}}` needs a list, not `\(pathWord.text)`")
            }
            let slot = stack.filter(\.isActiveLoop).count
            try open(OpenBlock(kind: .each, start: tag.start, loop: (path, alias.text, slot)))
        case .openIf(let word, let comparison):
            let expression = try resolve(word)
            let condition: TemplateCondition
            if let comparison {
                condition = .equals(expression, literal: comparison.literal, negated: comparison.negated)
            } else {
                condition = .truthy(expression, negated: false)
            }
            try open(OpenBlock(kind: .if, start: tag.start, condition: condition))
        case .openUnless(let word):
            try open(OpenBlock(kind: .unless, start: tag.start, condition: .truthy(try resolve(word), negated: true)))
        case .elseBranch:
            guard !stack.isEmpty else {
                throw source.error(at: tag.start, "`{{else}}` outside of a block")
            }
            guard !stack[stack.count - 1].hasElse else {
                throw source.error(at: tag.start, "a second `{{else}}` in the same block")
            }
            stack[stack.count - 1].hasElse = true
        case .close(let kind):
            guard let block = stack.popLast() else {
                throw source.error(at: tag.start, "`{{/\(kind.rawValue)}}` without an open block")
            }
            guard block.kind == kind else {
                let opened = source.position(of: block.start)
                throw source.error(at: tag.start, "`{{/\(kind.rawValue)}}` closes `{{#\(block.kind.rawValue)}}` opened at line \(opened.line), column \(opened.column)")
            }
            let position = source.position(of: block.start)
            if let loop = block.loop {
                append(.loop(LoopNode(path: loop.path, slot: loop.slot, body: block.primary, empty: block.alternative, position: position)))
            } else if let condition = block.condition {
                append(.condition(ConditionNode(condition: condition, then: block.primary, otherwise: block.alternative, position: position)))
            }
        }
    }

    private mutating func open(_ block: OpenBlock) throws(TemplateError) {
        guard stack.count < Template.maximumNestingDepth else {
            throw source.error(at: block.start, "blocks nested deeper than \(Template.maximumNestingDepth) levels")
        }
        stack.append(block)
    }

    private mutating func addOutput(_ word: WordSyntax, filters syntax: [FilterSyntax], escaped: Bool, start: Int) throws(TemplateError) {
        var expression = try resolve(word)
        var filters: [TemplateFilter] = []
        var escaped = escaped
        for (index, filter) in syntax.enumerated() {
            let name = filter.name
            switch name.text {
            case "raw", "index":
                guard filter.argument == nil else {
                    throw source.error(at: name.offset, "filter `\(name.text)` takes no argument")
                }
                if name.text == "raw" {
                    guard index == syntax.count - 1 else {
                        throw source.error(at: name.offset, "`raw` must be the last filter")
                    }
                    escaped = false
                } else {
                    guard index == 0 else {
                        throw source.error(at: name.offset, "`index` must be the first filter")
                    }
                    if case .path(let path) = expression, path.keys.isEmpty, case .loopItem(let slot) = path.base {
                        expression = .loopIndex(slot: slot)
                    } else if case .loopIndex = expression {
                        // `{{ @index | index }}` is just `{{ @index }}`.
                    } else {
                        throw source.error(at: name.offset, "filter `index` applies to a loop item, as in `{{ row | index }}`")
                    }
                }
            default:
                switch TemplateFilter.make(name: name.text, argument: filter.argument) {
                case .success(let made): filters.append(made)
                case .failure(let problem): throw source.error(at: name.offset, problem.message)
                }
            }
        }
        append(.value(ValueNode(expression: expression, filters: filters, escaped: escaped, position: source.position(of: start))))
    }

    /// A word as an expression: `@index`/`@first`/`@last` of the innermost loop, a path
    /// from a loop item when its first segment names one (innermost first), else a path
    /// from the data root.
    private func resolve(_ word: WordSyntax) throws(TemplateError) -> ValueExpression {
        let active = stack.filter(\.isActiveLoop)
        if word.text.hasPrefix("@") {
            guard let slot = active.last?.loop?.slot else {
                throw source.error(at: word.offset, "`\(word.text)` is only available inside `{{#each}}`")
            }
            switch word.text {
            case "@index": return .loopIndex(slot: slot)
            case "@first": return .loopFirst(slot: slot)
            default: return .loopLast(slot: slot)
            }
        }
        let names = word.text.split(separator: ".").map(String.init)
        var base = PathReference.Base.root
        var keys = names[...]
        if let loop = active.last(where: { $0.loop?.alias == names[0] })?.loop {
            base = .loopItem(slot: loop.slot)
            keys = keys.dropFirst()
        }
        let references = keys.map { name in
            PathReference.Key(name: name, index: name.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? Int(name) : nil)
        }
        return .path(PathReference(base: base, keys: references, text: word.text))
    }
}

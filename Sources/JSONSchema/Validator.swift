import JSONKit

/// One validation run over compiled nodes. In checking mode (`report: false`) it stops at the
/// first failure and records nothing, which is the fast path for valid instances; in reporting
/// mode it records every error with its instance path, up to `limit`.
struct Validator {
    let nodes: ContiguousArray<CompiledNode>
    let limit: Int
    var errors: [PendingError] = []
    /// The instance location being validated; maintained in reporting mode only.
    var path: [PathComponent] = []
    private var depth = 0

    /// Nested schema applications beyond this fail instead of exhausting the stack.
    static let maxDepth = 500

    init(nodes: ContiguousArray<CompiledNode>, limit: Int) {
        self.nodes = nodes
        self.limit = limit
    }

    /// Checks first; only an invalid instance pays for a second, reporting pass.
    static func run(nodes: ContiguousArray<CompiledNode>, root: Int, instance: JSON, limit: Int) -> [SchemaValidationError] {
        var validator = Validator(nodes: nodes, limit: limit)
        var none: EvaluatedLocations?
        if validator.validate(root, instance, report: false, evaluated: &none) { return [] }
        _ = validator.validate(root, instance, report: true, evaluated: &none)
        if validator.errors.isEmpty { validator.record("the value does not match the schema") }
        return validator.errors.enumerated()
            .sorted { lhs, rhs in
                if lhs.element.path != rhs.element.path {
                    return lhs.element.path.lexicographicallyPrecedes(rhs.element.path)
                }
                return lhs.offset < rhs.offset
            }
            .map(\.element.rendered)
    }

    static func isValid(nodes: ContiguousArray<CompiledNode>, root: Int, instance: JSON) -> Bool {
        var validator = Validator(nodes: nodes, limit: 1)
        var none: EvaluatedLocations?
        return validator.validate(root, instance, report: false, evaluated: &none)
    }

    var isFull: Bool { errors.count >= limit }

    mutating func record(_ message: String, at component: PathComponent? = nil, kind: PendingError.Kind = .other) {
        guard errors.count < limit else { return }
        var location = path
        if let component { location.append(component) }
        errors.append(PendingError(path: location, message: message, kind: kind))
    }

    /// Applies a node to an instance. `evaluated`, when not nil, collects the properties and items
    /// this node evaluated (only if it succeeds) for an enclosing `unevaluated*` keyword.
    mutating func validate(_ node: Int, _ instance: JSON, report: Bool, evaluated: inout EvaluatedLocations?) -> Bool {
        let compiled = nodes[node]
        if compiled.keywords.isEmpty { return true }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            if report { reportTooDeep() }
            return false
        }
        guard compiled.tracksEvaluation else {
            return applyAll(compiled.keywords, instance, report: report, evaluated: &evaluated)
        }
        var local: EvaluatedLocations? = EvaluatedLocations()
        let valid = applyAll(compiled.keywords, instance, report: report, evaluated: &local)
        if valid, let local { evaluated?.merge(local) }
        return valid
    }

    private mutating func applyAll(_ keywords: [Keyword], _ instance: JSON, report: Bool,
                                   evaluated: inout EvaluatedLocations?) -> Bool {
        var valid = true
        for keyword in keywords where !apply(keyword, instance, report: report, evaluated: &evaluated) {
            valid = false
            if !report || isFull { return false }
        }
        return valid
    }

    @inline(never)
    private mutating func reportTooDeep() {
        record("the value is nested too deeply to validate")
    }

    /// Validates a member or element of the instance at its own location.
    mutating func validateChild(_ node: Int, _ value: JSON, at component: PathComponent, report: Bool) -> Bool {
        if nodes[node].keywords.isEmpty { return true }
        var none: EvaluatedLocations?
        guard report else { return validate(node, value, report: false, evaluated: &none) }
        path.append(component)
        defer { path.removeLast() }
        return validate(node, value, report: true, evaluated: &none)
    }

    /// Dispatches one keyword. Only applicators recurse; every leaf check runs out of line so
    /// the frames on the recursive path stay small.
    private mutating func apply(_ keyword: Keyword, _ instance: JSON, report: Bool,
                                evaluated: inout EvaluatedLocations?) -> Bool {
        switch keyword {
        case .reference(let target):
            return validate(target, instance, report: report, evaluated: &evaluated)
        case .allOf(let schemas):
            return allOf(schemas, instance, report: report, evaluated: &evaluated)
        case .anyOf(let schemas):
            return anyOf(schemas, instance, report: report, evaluated: &evaluated)
        case .oneOf(let schemas):
            return oneOf(schemas, instance, report: report, evaluated: &evaluated)
        case .not(let schema):
            return not(schema, instance, report: report)
        case .conditional(let condition, let then, let otherwise):
            return conditional(condition, then: then, else: otherwise, instance, report: report, evaluated: &evaluated)
        case .properties(let applicator):
            guard case .object(let object) = instance else { return true }
            return applyProperties(applicator, object, report: report, evaluated: &evaluated)
        case .dependentSchemas(let rules):
            guard case .object(let object) = instance else { return true }
            return dependentSchemas(rules, object, instance, report: report, evaluated: &evaluated)
        case .propertyNames(let schema):
            guard case .object(let object) = instance else { return true }
            return checkPropertyNames(schema, object, report: report)
        case .unevaluatedProperties(let schema, let isFalse):
            guard case .object(let object) = instance else { return true }
            return checkUnevaluatedProperties(schema, isFalse: isFalse, object, report: report, evaluated: &evaluated)
        case .items(let prefix, let rest, let restIsFalse):
            guard case .array(let items) = instance else { return true }
            return applyItems(prefix: prefix, rest: rest, restIsFalse: restIsFalse, items, report: report, evaluated: &evaluated)
        case .contains(let schema, let minimum, let maximum):
            guard case .array(let items) = instance else { return true }
            return checkContains(schema, minimum: minimum, maximum: maximum, items, report: report, evaluated: &evaluated)
        case .unevaluatedItems(let schema, let isFalse):
            guard case .array(let items) = instance else { return true }
            return checkUnevaluatedItems(schema, isFalse: isFalse, items, report: report, evaluated: &evaluated)
        default:
            return checkValue(keyword, instance, report: report)
        }
    }

    /// Keywords that look at the instance itself and never recurse.
    @inline(never)
    private mutating func checkValue(_ keyword: Keyword, _ instance: JSON, report: Bool) -> Bool {
        switch keyword {
        case .alwaysFail:
            if report { record("no value is allowed here") }
            return false
        case .type(let types):
            if types.matches(instance) { return true }
            if report {
                record("expected \(types.names), got \(TypeSet.name(of: instance))", kind: .type(expected: types))
            }
            return false
        case .constant(let value):
            if JSONEquality.equal(value, instance) { return true }
            if report { record("must be \(PendingError.describe(value))", kind: .mismatch) }
            return false
        case .enumeration(let values):
            if values.contains(instance) { return true }
            if report { record(Self.enumMessage(values.values, instance), kind: .mismatch) }
            return false
        case .bound(let bound):
            return checkBound(bound, instance, report: report)
        case .multipleOf(let divisor, let text):
            return checkMultipleOf(divisor, text: text, instance, report: report)
        case .minLength, .maxLength, .pattern, .format:
            return checkString(keyword, instance, report: report)
        case .minItems, .maxItems, .uniqueItems:
            guard case .array(let items) = instance else { return true }
            return checkArrayShape(keyword, items, report: report)
        case .minProperties, .maxProperties, .required, .dependentRequired:
            guard case .object(let object) = instance else { return true }
            return checkObjectShape(keyword, object, report: report)
        default:
            return true
        }
    }

    private static func enumMessage(_ values: [JSON], _ instance: JSON) -> String {
        let shown = values.prefix(20).map { PendingError.shortened($0.text, limit: 40) }
        let list = shown.joined(separator: ", ") + (values.count > shown.count ? ", …" : "")
        return "\(PendingError.describe(instance)) is not one of [\(list)]"
    }
}

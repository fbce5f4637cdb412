import JSONKit

/// `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`. When no branch of `anyOf`/`oneOf`
/// matches, the errors of the closest branch are reported, or one summary when every branch
/// wanted another type.
extension Validator {
    mutating func allOf(_ schemas: [Int], _ instance: JSON, report: Bool, evaluated: inout EvaluatedLocations?) -> Bool {
        var valid = true
        for schema in schemas where !validate(schema, instance, report: report, evaluated: &evaluated) {
            valid = false
            if !report || isFull { return false }
        }
        return valid
    }

    mutating func anyOf(_ schemas: [Int], _ instance: JSON, report: Bool, evaluated: inout EvaluatedLocations?) -> Bool {
        var matched = false
        for schema in schemas {
            var branch: EvaluatedLocations? = evaluated == nil ? nil : EvaluatedLocations()
            guard validate(schema, instance, report: false, evaluated: &branch) else { continue }
            matched = true
            guard let branch else { return true }
            evaluated?.merge(branch)
        }
        if matched { return true }
        if report { reportClosestBranch(schemas, instance, keyword: "anyOf") }
        return false
    }

    mutating func oneOf(_ schemas: [Int], _ instance: JSON, report: Bool, evaluated: inout EvaluatedLocations?) -> Bool {
        var matches: [Int] = []
        var matchedLocations: EvaluatedLocations?
        for (position, schema) in schemas.enumerated() {
            var branch: EvaluatedLocations? = evaluated == nil ? nil : EvaluatedLocations()
            guard validate(schema, instance, report: false, evaluated: &branch) else { continue }
            matches.append(position)
            matchedLocations = branch
            if matches.count > 1 { break }
        }
        if matches.count == 1 {
            if let matchedLocations { evaluated?.merge(matchedLocations) }
            return true
        }
        guard report else { return false }
        if matches.isEmpty {
            reportClosestBranch(schemas, instance, keyword: "oneOf")
        } else {
            reportSeveralMatches(matches)
        }
        return false
    }

    mutating func not(_ schema: Int, _ instance: JSON, report: Bool) -> Bool {
        var none: EvaluatedLocations?
        guard validate(schema, instance, report: false, evaluated: &none) else { return true }
        if report { reportNot() }
        return false
    }

    mutating func conditional(_ condition: Int, then: Int?, else otherwise: Int?, _ instance: JSON, report: Bool,
                              evaluated: inout EvaluatedLocations?) -> Bool {
        if then == nil && otherwise == nil && evaluated == nil { return true }
        var conditionLocations: EvaluatedLocations? = evaluated == nil ? nil : EvaluatedLocations()
        if validate(condition, instance, report: false, evaluated: &conditionLocations) {
            if let conditionLocations { evaluated?.merge(conditionLocations) }
            guard let then else { return true }
            return validate(then, instance, report: report, evaluated: &evaluated)
        }
        guard let otherwise else { return true }
        return validate(otherwise, instance, report: report, evaluated: &evaluated)
    }

    /// Re-runs every branch in reporting mode and keeps the errors of the closest one: a branch
    /// of the right type beats one of the wrong type, then fewer `const`/`enum` mismatches (a
    /// discriminator that matched), then fewer errors, then the earlier branch.
    @inline(never)
    private mutating func reportClosestBranch(_ schemas: [Int], _ instance: JSON, keyword: String) {
        let saved = errors
        let here = path.count
        var best: (score: (Int, Int, Int), errors: [PendingError])?
        var expectedTypes = TypeSet()
        var everyBranchWantsAnotherType = true
        for schema in schemas {
            errors = []
            var none: EvaluatedLocations?
            _ = validate(schema, instance, report: true, evaluated: &none)
            var wrongType = false
            var mismatches = 0
            for error in errors {
                switch error.kind {
                case .type(let expected) where error.path.count == here:
                    wrongType = true
                    expectedTypes.formUnion(expected)
                case .mismatch:
                    mismatches += 1
                default:
                    break
                }
            }
            if !wrongType { everyBranchWantsAnotherType = false }
            let score = (wrongType ? 1 : 0, mismatches, errors.count)
            if let current = best, !(score < current.score) { continue }
            best = (score, errors)
        }
        errors = saved
        if everyBranchWantsAnotherType && !expectedTypes.isEmpty {
            record("expected \(expectedTypes.names), got \(TypeSet.name(of: instance))", kind: .type(expected: expectedTypes))
            return
        }
        guard let best, !best.errors.isEmpty else {
            record("does not match any of the schemas in '\(keyword)'")
            return
        }
        for error in best.errors where !isFull { errors.append(error) }
    }

    @inline(never)
    private mutating func reportSeveralMatches(_ matches: [Int]) {
        record("must match exactly one schema in 'oneOf', but matches more than one (branches \(matches[0]) and \(matches[1]))")
    }

    @inline(never)
    private mutating func reportNot() {
        record("must not match the schema in 'not'")
    }
}

import JSONKit

/// Object keywords. Errors about one property (missing, unknown, invalid name) carry that
/// property's path, e.g. "/fields/city".
extension Validator {
    mutating func checkObjectShape(_ keyword: Keyword, _ object: [String: JSON], report: Bool) -> Bool {
        switch keyword {
        case .minProperties(let minimum):
            if object.count >= minimum { return true }
            if report { record("must have at least \(PendingError.plural(minimum, "property", "properties"))") }
            return false
        case .maxProperties(let maximum):
            if object.count <= maximum { return true }
            if report { record("must have at most \(PendingError.plural(maximum, "property", "properties"))") }
            return false
        case .required(let names):
            var valid = true
            for name in names where object[name] == nil {
                guard report else { return false }
                valid = false
                record("required property '\(name)' is missing", at: .key(name))
            }
            return valid
        case .dependentRequired(let rules):
            var valid = true
            for rule in rules where object[rule.property] != nil {
                for name in rule.required where object[name] == nil {
                    guard report else { return false }
                    valid = false
                    record("property '\(name)' is required when '\(rule.property)' is present", at: .key(name))
                }
            }
            return valid
        default:
            return true
        }
    }

    mutating func dependentSchemas(_ rules: [(property: String, schema: Int)], _ object: [String: JSON], _ instance: JSON,
                                   report: Bool, evaluated: inout EvaluatedLocations?) -> Bool {
        var valid = true
        for rule in rules where object[rule.property] != nil
            && !validate(rule.schema, instance, report: report, evaluated: &evaluated) {
            valid = false
            if !report || isFull { return false }
        }
        return valid
    }

    @inline(never)
    private mutating func reportUnknownProperty(_ key: String) {
        record("unknown property '\(key)'", at: .key(key))
    }

    mutating func applyProperties(_ applicator: PropertyApplicator, _ object: [String: JSON], report: Bool,
                                  evaluated: inout EvaluatedLocations?) -> Bool {
        var valid = true
        if applicator.patterns.isEmpty && applicator.additional == nil {
            for (key, value) in object {
                guard let schema = applicator.properties[key] else { continue }
                evaluated?.properties.insert(key)
                if !validateChild(schema, value, at: .key(key), report: report) {
                    valid = false
                    if !report || isFull { return false }
                }
            }
            return valid
        }
        for (key, value) in object {
            var matched = false
            if let schema = applicator.properties[key] {
                matched = true
                if !validateChild(schema, value, at: .key(key), report: report) {
                    valid = false
                    if !report || isFull { return false }
                }
            }
            for pattern in applicator.patterns where pattern.regex.matches(key) {
                matched = true
                if !validateChild(pattern.schema, value, at: .key(key), report: report) {
                    valid = false
                    if !report || isFull { return false }
                }
            }
            if matched {
                evaluated?.properties.insert(key)
            } else if let additional = applicator.additional {
                if applicator.additionalIsFalse {
                    guard report else { return false }
                    valid = false
                    reportUnknownProperty(key)
                } else if !validateChild(additional, value, at: .key(key), report: report) {
                    valid = false
                    if !report || isFull { return false }
                }
            }
        }
        if applicator.additional != nil { evaluated?.allProperties = true }
        return valid
    }

    @inline(never)
    mutating func checkPropertyNames(_ schema: Int, _ object: [String: JSON], report: Bool) -> Bool {
        var valid = true
        for key in object.keys {
            var none: EvaluatedLocations?
            if validate(schema, .string(key), report: false, evaluated: &none) { continue }
            guard report else { return false }
            valid = false
            let saved = errors
            errors = []
            path.append(.key(key))
            _ = validate(schema, .string(key), report: true, evaluated: &none)
            path.removeLast()
            let reason = errors.first.map { ": " + $0.message } ?? ""
            errors = saved
            record("invalid property name '\(key)'\(reason)", at: .key(key))
        }
        return valid
    }

    mutating func checkUnevaluatedProperties(_ schema: Int, isFalse: Bool, _ object: [String: JSON], report: Bool,
                                             evaluated: inout EvaluatedLocations?) -> Bool {
        let seen = evaluated ?? EvaluatedLocations()
        if seen.allProperties { return true }
        var valid = true
        for (key, value) in object where !seen.properties.contains(key) {
            if isFalse {
                guard report else { return false }
                valid = false
                reportUnknownProperty(key)
            } else if !validateChild(schema, value, at: .key(key), report: report) {
                valid = false
                if !report || isFull { return false }
            }
        }
        if valid { evaluated?.allProperties = true }
        return valid
    }
}

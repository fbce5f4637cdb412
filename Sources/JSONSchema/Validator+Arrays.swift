import JSONKit

/// Array keywords. Errors about one element carry its index in the path, e.g. "/phones/2".
extension Validator {
    mutating func checkArrayShape(_ keyword: Keyword, _ items: [JSON], report: Bool) -> Bool {
        switch keyword {
        case .minItems(let minimum):
            if items.count >= minimum { return true }
            if report { record("must have at least \(PendingError.plural(minimum, "item"))") }
            return false
        case .maxItems(let maximum):
            if items.count <= maximum { return true }
            if report { record("must have at most \(PendingError.plural(maximum, "item"))") }
            return false
        case .uniqueItems:
            guard let (first, second) = Self.firstDuplicate(items) else { return true }
            if report { record("must not contain duplicates (items \(first) and \(second) are equal)") }
            return false
        default:
            return true
        }
    }

    @inline(never)
    private mutating func reportUnexpectedItem(_ index: Int, allowed: Int?) {
        let limit = allowed.map { " (at most \(PendingError.plural($0, "item")) allowed)" } ?? ""
        record("unexpected item" + limit, at: .index(index))
    }

    @inline(never)
    private mutating func reportContains(_ count: Int, atLeast: Bool) {
        let bound = atLeast ? "at least" : "at most"
        record("must contain \(bound) \(PendingError.plural(count, "item")) matching the 'contains' schema")
    }

    private static func firstDuplicate(_ items: [JSON]) -> (Int, Int)? {
        guard items.count > 1 else { return nil }
        if items.count <= 16 {
            for second in 1..<items.count {
                for first in 0..<second where JSONEquality.equal(items[first], items[second]) {
                    return (first, second)
                }
            }
            return nil
        }
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let key = JSONEquality.key(item)
            if let first = seen[key] { return (first, index) }
            seen[key] = index
        }
        return nil
    }

    mutating func applyItems(prefix: [Int], rest: Int?, restIsFalse: Bool, _ items: [JSON], report: Bool,
                             evaluated: inout EvaluatedLocations?) -> Bool {
        var valid = true
        for (index, item) in items.enumerated() {
            let schema: Int
            if index < prefix.count {
                schema = prefix[index]
            } else if let rest {
                if restIsFalse {
                    guard report else { return false }
                    valid = false
                    reportUnexpectedItem(index, allowed: prefix.count)
                    if isFull { return false }
                    continue
                }
                schema = rest
            } else {
                break
            }
            if !validateChild(schema, item, at: .index(index), report: report) {
                valid = false
                if !report || isFull { return false }
            }
        }
        evaluated?.markItems(upTo: min(prefix.count, items.count))
        if rest != nil { evaluated?.allItems = true }
        return valid
    }

    mutating func checkContains(_ schema: Int, minimum: Int, maximum: Int?, _ items: [JSON], report: Bool,
                                evaluated: inout EvaluatedLocations?) -> Bool {
        var matches = 0
        for (index, item) in items.enumerated() {
            var none: EvaluatedLocations?
            guard validate(schema, item, report: false, evaluated: &none) else { continue }
            matches += 1
            evaluated?.items.insert(index)
            if evaluated == nil {
                if let maximum, matches > maximum { break }
                if maximum == nil && matches >= minimum { break }
            }
        }
        if matches < minimum {
            if report { reportContains(minimum, atLeast: true) }
            return false
        }
        if let maximum, matches > maximum {
            if report { reportContains(maximum, atLeast: false) }
            return false
        }
        return true
    }

    mutating func checkUnevaluatedItems(_ schema: Int, isFalse: Bool, _ items: [JSON], report: Bool,
                                        evaluated: inout EvaluatedLocations?) -> Bool {
        let seen = evaluated ?? EvaluatedLocations()
        if seen.allItems { return true }
        var valid = true
        for index in seen.itemPrefix..<max(seen.itemPrefix, items.count) where !seen.items.contains(index) {
            if isFalse {
                guard report else { return false }
                valid = false
                reportUnexpectedItem(index, allowed: nil)
                if isFull { return false }
            } else if !validateChild(schema, items[index], at: .index(index), report: report) {
                valid = false
                if !report || isFull { return false }
            }
        }
        if valid { evaluated?.allItems = true }
        return valid
    }
}

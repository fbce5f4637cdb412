/// `--name value` options and `--flag` switches of one subcommand; unknown names are errors.
struct Options {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: String] = [:]
    private var switches: Set<String> = []

    init(_ arguments: ArraySlice<String>, options: Set<String>, flags: Set<String> = []) throws {
        var rest = arguments
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { throw UsageError(description: "unexpected argument '\(argument)'") }
            let name = String(argument.dropFirst(2))
            if flags.contains(name) {
                switches.insert(name)
            } else if options.contains(name) {
                guard let value = rest.popFirst() else { throw UsageError(description: "\(argument) needs a value") }
                values[name] = value
            } else {
                throw UsageError(description: "unknown option '\(argument)'")
            }
        }
    }

    func has(_ flag: String) -> Bool { switches.contains(flag) }

    func string(_ name: String) -> String? { values[name] }

    func required(_ name: String) throws -> String {
        guard let value = values[name] else { throw UsageError(description: "--\(name) is required") }
        return value
    }

    func int(_ name: String, default fallback: Int, min: Int = 0) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text.replacingUnderscores), value >= min else {
            throw UsageError(description: "--\(name) takes an integer >= \(min), not '\(text)'")
        }
        return value
    }

    func double(_ name: String, default fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text), value >= 0 else {
            throw UsageError(description: "--\(name) takes a non-negative number, not '\(text)'")
        }
        return value
    }

    /// `A..B` (or `A...B`) as a closed range of positive integers.
    func range(_ name: String, default fallback: ClosedRange<UInt64>) throws -> ClosedRange<UInt64> {
        guard let text = values[name] else { return fallback }
        let parts = text.split(separator: ".", omittingEmptySubsequences: true)
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low >= 1, low <= high else {
            throw UsageError(description: "--\(name) takes a range such as 1..10000, not '\(text)'")
        }
        return low...high
    }
}

private extension String {
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

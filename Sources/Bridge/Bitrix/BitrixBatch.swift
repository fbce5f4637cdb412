import JSONKit

/// `batch`: up to 50 commands `{name: "method?query"}` run in order in one request, each as its
/// own call. A command's parameters may use an earlier one's result as
/// `$result[name][FIELD]` (deeper steps and list indexes too, `$result[list][0][ID]`). With
/// `halt` set the batch stops at the first failing command. The reply holds each command's
/// `result`, `result_error`, `result_total`, `result_next` and `result_time` by name; as in
/// Bitrix24 (PHP) an empty one of these is `[]`, and the batch itself answers 200 whatever its
/// commands did.
struct BitrixBatch {
    static let limit = 50

    let facade: BitrixFacade
    let session: BitrixSession

    func run(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let commands = try self.commands(parameters)
        guard commands.count <= Self.limit else {
            throw BitrixError(status: 400, code: "ERROR_BATCH_LENGTH_EXCEEDED", description: "Max batch length exceeded")
        }
        let halt = parameters["halt"].flatMap(BitrixValue.flag) ?? false
        var results: [String: JSON] = [:]
        var errors: [String: JSON] = [:]
        var totals: [String: JSON] = [:]
        var nexts: [String: JSON] = [:]
        var times: [String: JSON] = [:]
        for (name, command) in commands {
            let clock = BitrixClock()
            do {
                let reply = try runCommand(command, results: results)
                results[name] = reply.result
                if let total = reply.total { totals[name] = .int(total) }
                if let next = reply.next { nexts[name] = .int(next) }
                times[name] = clock.finish()
            } catch {
                errors[name] = error.json
                if halt { break }
            }
        }
        func phpMap(_ map: [String: JSON]) -> JSON { map.isEmpty ? .array([]) : .object(map) }
        return BitrixReply(result: ["result": phpMap(results), "result_error": phpMap(errors), "result_total": phpMap(totals),
                                    "result_next": phpMap(nexts), "result_time": phpMap(times)])
    }

    /// The commands in the order they were written.
    private func commands(_ parameters: BitrixParameters) throws(BitrixError) -> [(String, String)] {
        let bad = BitrixError.core("cmd must map names to \"method?parameters\" strings")
        switch parameters["cmd"] {
        case .object(let map)?:
            let ordered = parameters.commandOrder.filter { map[$0] != nil }
            let rest = map.keys.filter { !ordered.contains($0) }.sorted()
            var out: [(String, String)] = []
            for name in ordered + rest {
                guard let text = map[name].flatMap(BitrixValue.text) else { throw bad }
                out.append((name, text))
            }
            return out
        case .array(let list)?:
            var out: [(String, String)] = []
            for (index, item) in list.enumerated() {
                guard let text = BitrixValue.text(item) else { throw bad }
                out.append((String(index), text))
            }
            return out
        default:
            throw .core("cmd is required")
        }
    }

    private func runCommand(_ command: String, results: [String: JSON]) throws(BitrixError) -> BitrixReply {
        let parts = command.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let method = String(parts[0]).trimmingSpaces.lowercased()
        guard method != "batch" else {
            throw BitrixError(status: 405, code: "ERROR_BATCH_METHOD_NOT_ALLOWED", description: "Method is not allowed for batch usage")
        }
        var parameters = try BitrixParameters(query: parts.count > 1 ? String(parts[1]) : nil, body: [], contentType: nil)
        var values: [String: JSON] = [:]
        for (key, value) in parameters.values { values[key] = try BitrixReference.substitute(in: value, results: results) }
        parameters.values = values
        return try facade.run(method, parameters, session: session)
    }
}

/// `$result[name][FIELD][0]…` inside a batch command's parameter values, replaced by what
/// the earlier command `name` returned there.
enum BitrixReference {
    static func substitute(in value: JSON, results: [String: JSON]) throws(BitrixError) -> JSON {
        switch value {
        case .string(let text):
            return .string(try substitute(text, results: results))
        case .array(let items):
            var out: [JSON] = []
            for item in items { out.append(try substitute(in: item, results: results)) }
            return .array(out)
        case .object(let map):
            var out: [String: JSON] = [:]
            for (key, item) in map { out[key] = try substitute(in: item, results: results) }
            return .object(out)
        default:
            return value
        }
    }

    private static let marker = "$result["

    static func substitute(_ text: String, results: [String: JSON]) throws(BitrixError) -> String {
        guard text.contains(marker) else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: marker) {
            out += rest[..<range.lowerBound]
            var cursor = rest[rest.index(range.upperBound, offsetBy: -1)...]
            var path: [String] = []
            while cursor.first == "[", let close = cursor.firstIndex(of: "]") {
                path.append(String(cursor[cursor.index(after: cursor.startIndex)..<close]))
                cursor = cursor[cursor.index(after: close)...]
            }
            let reference = String(rest[range.lowerBound..<cursor.startIndex])
            guard let name = path.first, var found = results[name] else {
                throw .core("\(reference) refers to no earlier result")
            }
            for step in path.dropFirst() {
                if let index = Int(step), case .array(let items) = found, items.indices.contains(index) {
                    found = items[index]
                } else if let next = found[step] {
                    found = next
                } else {
                    throw .core("\(reference) refers to nothing in the result of \(name)")
                }
            }
            guard let scalar = BitrixValue.text(found) else { throw .core("\(reference) is not a single value") }
            out += scalar
            rest = cursor
        }
        return out + rest
    }
}

import JSONKit
import Storage

/// Stored data that does not read back as what crmd writes: a definition (automation rule,
/// stage, custom field, template, settings, product row, outbox message…) or a record whose
/// column holds what its field cannot. Never the caller's fault, so never a default: the API
/// answers -32603 and logs the description, which names the table, the row and what failed;
/// background work logs it and marks its job failed.
package struct StoredDataError: Error, Sendable, Equatable, CustomStringConvertible {
    package let table: String
    /// The row's key as text: an id, or a composite such as `lead/NEW`.
    package let id: String
    package let problem: String

    package init(table: String, id: String, problem: String) {
        self.table = table
        self.id = id
        self.problem = problem
    }

    package var description: String { "unreadable stored data in \(table) \(id): \(problem)" }
}

/// Strict reading of stored rows and of the JSON and enum text kept in them.
enum StoredData {
    /// What is wrong with one value, before the table and row are known.
    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `body`, which decodes one stored row; whatever it throws (a row accessor's
    /// `StorageError`, a `Problem`, a domain type refusing the value) becomes a
    /// `StoredDataError` naming `table` and `id`.
    static func read<T>(_ table: String, _ id: some CustomStringConvertible, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoredDataError {
            throw error
        } catch CRMError.invalidValue(let field, _, let message) {
            throw StoredDataError(table: table, id: id.description, problem: "\(field): \(message)")
        } catch {
            throw StoredDataError(table: table, id: id.description, problem: "\(error)")
        }
    }

    /// `text` parsed as JSON; `what` names the column or key in the problem.
    static func json(_ text: String, _ what: String) throws(Problem) -> JSON {
        do {
            return try JSON.parse(text)
        } catch {
            throw Problem("\(what): not JSON (\(error))")
        }
    }

    static func object(_ text: String, _ what: String) throws(Problem) -> [String: JSON] {
        guard case .object(let object) = try json(text, what) else { throw Problem("\(what): not a JSON object") }
        return object
    }

    /// A JSON array of strings, as `JSONText.stringArray` writes it.
    static func stringArray(_ text: String, _ what: String) throws(Problem) -> [String] {
        guard case .array(let items) = try json(text, what) else { throw Problem("\(what): not a JSON array") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard case .string(let string) = item else { throw Problem("\(what): \(item.text) is not a string") }
            strings.append(string)
        }
        return strings
    }

    /// The case of `T` stored as `text`.
    static func enumCase<T: RawRepresentable>(_ text: String, _ what: String, as type: T.Type = T.self) throws(Problem) -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else { throw Problem("\(what): unknown value '\(text)'") }
        return value
    }
}

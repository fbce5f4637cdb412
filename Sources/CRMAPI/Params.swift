import CRM
import JSONKit
import JSONRPC

/// A call's params, already checked against the method's schema, read by name. A value of
/// the wrong shape still gets -32602 rather than a crash, in case a schema is looser than
/// the code.
struct Params {
    let object: [String: JSON]

    init(_ params: JSON?) throws(RPCError) {
        switch params {
        case nil: object = [:]
        case .object(let object)?: self.object = object
        default: throw RPCError.invalidParams([(path: "", message: "params must be an object (by name)")])
        }
    }

    /// An object nested in params (already checked with them), read the same way.
    init(_ object: [String: JSON]) {
        self.object = object
    }

    subscript(key: String) -> JSON? {
        let value = object[key]
        return value == .null ? nil : value
    }

    func int64(_ key: String) throws(RPCError) -> Int64 {
        guard let value = self[key]?.int64Value else { throw missing(key, "an integer") }
        return value
    }

    func optionalInt64(_ key: String) throws(RPCError) -> Int64? {
        guard let value = self[key] else { return nil }
        guard let integer = value.int64Value else { throw missing(key, "an integer") }
        return integer
    }

    func string(_ key: String) throws(RPCError) -> String {
        guard let value = self[key]?.stringValue else { throw missing(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws(RPCError) -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.stringValue else { throw missing(key, "a string") }
        return text
    }

    func bool(_ key: String, default fallback: Bool) throws(RPCError) -> Bool {
        guard let value = self[key] else { return fallback }
        guard let flag = value.boolValue else { throw missing(key, "a boolean") }
        return flag
    }

    func objectValue(_ key: String) throws(RPCError) -> [String: JSON] {
        guard let value = self[key]?.objectValue else { throw missing(key, "an object") }
        return value
    }

    func optionalBool(_ key: String) throws(RPCError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.boolValue else { throw missing(key, "a boolean") }
        return flag
    }

    func optionalObject(_ key: String) throws(RPCError) -> [String: JSON]? {
        guard let value = self[key] else { return nil }
        guard let object = value.objectValue else { throw missing(key, "an object") }
        return object
    }

    func optionalArray(_ key: String) throws(RPCError) -> [JSON]? {
        guard let value = self[key] else { return nil }
        guard let items = value.arrayValue else { throw missing(key, "an array") }
        return items
    }

    func int64List(_ key: String) throws(RPCError) -> [Int64] {
        guard let items = self[key]?.arrayValue else { throw missing(key, "an array of integers") }
        var integers: [Int64] = []
        for item in items {
            guard let integer = item.int64Value else { throw missing(key, "an array of integers") }
            integers.append(integer)
        }
        return integers
    }

    func stringList(_ key: String) throws(RPCError) -> [String]? {
        guard let value = self[key] else { return nil }
        guard let items = value.arrayValue else { throw missing(key, "an array of strings") }
        var strings: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw missing(key, "an array of strings") }
            strings.append(text)
        }
        return strings
    }

    /// One string or a list of strings (an e-mail's recipients); empty when absent.
    func addresses(_ key: String) throws(RPCError) -> [String] {
        guard let value = self[key] else { return [] }
        if let one = value.stringValue { return [one] }
        guard let list = try stringList(key) else { return [] }
        return list
    }

    func entityType(_ key: String = "entityType") throws(RPCError) -> EntityType {
        guard let type = EntityType(rawValue: try string(key)) else { throw missing(key, "a known entity type") }
        return type
    }

    private func missing(_ key: String, _ expected: String) -> RPCError {
        RPCError.invalidParams([(path: "/" + key, message: "expected \(expected)")])
    }
}

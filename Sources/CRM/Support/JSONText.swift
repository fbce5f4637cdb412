import JSONKit

/// JSON stored in TEXT columns: written with sorted keys, read back leniently.
package enum JSONText {
    package static func stringArray(_ values: [String]) -> String {
        JSON.array(values.map { .string($0) }).text
    }

    package static func parse(_ text: String?) -> JSON? {
        guard let text else { return nil }
        return try? JSON.parse(text)
    }
}

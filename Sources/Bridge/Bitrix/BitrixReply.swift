import JSONKit

/// What a method gives back inside Bitrix24's envelope: its `result`, and for a list the
/// `total` of matching records and the `start` of the next page.
struct BitrixReply: Sendable {
    var result: JSON
    var total: Int? = nil
    var next: Int? = nil
}

extension BitrixParameters {
    /// The record id a method works on: `id` (or `ID`, read case-insensitively), a positive integer.
    func recordID() throws(BitrixError) -> Int64 {
        guard let value = self["id"], let id = BitrixValue.id(value) else { throw .invalidID }
        return id
    }

    /// The `fields` object of an add or update.
    func fields() throws(BitrixError) -> JSON {
        guard let fields = self["fields"], case .object = fields else { throw .core("fields must be an object") }
        return fields
    }
}

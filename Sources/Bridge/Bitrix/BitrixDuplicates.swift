import JSONKit

/// `crm.duplicate.findbycomm {type: PHONE|EMAIL, values, entity_type?}` over crmd's
/// `duplicate.find`, which compares normalized phones (any notation) and e-mails. crmd looks
/// for duplicates among contacts and companies, not leads: `entity_type: LEAD` is refused,
/// and without an `entity_type` the answer names contacts and companies only.
struct BitrixDuplicates {
    let session: BitrixSession

    func findByCommunication(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let key: String
        switch parameters["type"].flatMap(BitrixValue.text)?.uppercased() {
        case "PHONE": key = "phones"
        case "EMAIL": key = "emails"
        default: throw .core("Communication type is not defined.")
        }
        let given: [JSON]
        switch parameters["values"] {
        case .array(let list)?: given = list
        case .object(let map)?: given = Array(map.values)
        case let one?: given = [one]
        case nil: given = []
        }
        let values = given.compactMap(BitrixValue.text).filter { !$0.isEmpty }
        guard !values.isEmpty, values.count <= 20 else { throw .core("values must hold 1 to 20 phones or e-mails") }
        let types: [String]
        switch parameters["entity_type"].flatMap(BitrixValue.text)?.uppercased() {
        case nil, "": types = ["CONTACT", "COMPANY"]
        case "CONTACT": types = ["CONTACT"]
        case "COMPANY": types = ["COMPANY"]
        case "LEAD": throw .core("crmd finds duplicates among contacts and companies, not leads")
        case let other?: throw .core("Unknown entity_type \(other)")
        }
        var found: [String: JSON] = [:]
        for type in types {
            let query: [String: JSON] = ["entityType": .string(type.lowercased()), key: .array(values.map(JSON.string))]
            let matches = try session.call("duplicate.find", .object(query))
            let ids = (matches["items"]?.arrayValue ?? []).compactMap { $0["id"]?.int64Value }
            if !ids.isEmpty { found[type] = .array(ids.map { .int($0) }) }
        }
        return BitrixReply(result: found.isEmpty ? .array([]) : .object(found))
    }
}

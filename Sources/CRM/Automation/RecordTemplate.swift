import Foundation
import JSONKit
import Storage

/// Fills `{{entity.field}}` placeholders from a record and the records it links to
/// (`{{deal.title}}`, `{{contact.name}}`, `{{contact.phone}}`, `{{company.title}}`; an invoice's
/// `{{invoice.number}}` and its deal's `{{deal.title}}`).
/// Unknown placeholders become empty text; the template itself is never executed.
enum RecordTemplate {
    static func render(_ template: String, db: Database, entity: EntityType, id: Int64) throws -> String {
        var records: [String: JSON] = [:]
        let main = try RecordService.loadJSON(db, entity.descriptor, id)
        records[entity.rawValue] = main
        for (field, target) in [("contactId", EntityType.contact), ("companyId", .company), ("leadId", .lead), ("dealId", .deal)] {
            if let linked = main?[field]?.int64Value { records[target.rawValue] = try RecordService.loadJSON(db, target.descriptor, linked) }
        }
        return fill(template, records)
    }

    /// Fills the placeholders from `records` (by the name before the dot).
    static func fill(_ template: String, _ records: [String: JSON]) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += value(name, records)
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }

    private static func value(_ path: String, _ records: [String: JSON]) -> String {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let record = records[parts[0]] else { return "" }
        switch parts[1] {
        case "phone": return record["phones"]?.arrayValue?.first?["value"]?.stringValue ?? ""
        case "email": return record["emails"]?.arrayValue?.first?["value"]?.stringValue ?? ""
        default: break
        }
        let value = parts[1].hasPrefix("custom.") ? record["custom"]?[String(parts[1].dropFirst(7))] : record[parts[1]]
        switch value {
        case .string(let text)?: return text
        case .number(let number)?: return number.text
        case .bool(let flag)?: return flag ? "да" : "нет"
        default: return ""
        }
    }
}

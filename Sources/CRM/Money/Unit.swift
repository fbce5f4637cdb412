import JSONKit

/// A unit of measure by its OKEI code (the all-Russian classifier of units), e.g. 796 шт.
package struct Unit: Sendable, Equatable {
    package var code: String
    package var name: String

    /// The units invoices use most (REFERENCE-ru.md).
    package static let known: [String: String] = [
        "796": "шт", "876": "усл. ед", "166": "кг", "163": "г", "168": "т", "006": "м", "055": "м²", "113": "м³",
        "112": "л", "356": "ч", "359": "сут", "362": "мес", "366": "г", "839": "компл", "778": "упак", "704": "набор",
        "715": "пар", "642": "ед", "539": "чел·ч",
    ]

    package static let piece = Unit(code: "796", name: "шт")

    /// `{code, name?}`: the name defaults to the known symbol; an unknown code needs a name.
    package static func from(_ json: JSON?, field: String) throws(CRMError) -> Unit {
        guard let json, json != .null else { return .piece }
        guard case .string(let code)? = json["code"], code.count == 3, code.allSatisfy(\.isASCIIDigit) else {
            throw CRMError.invalidValue(field: field + ".code", reason: "format", message: "an OKEI code has three digits")
        }
        if let name = json["name"]?.stringValue, !name.isEmpty { return Unit(code: code, name: name) }
        guard let name = known[code] else {
            throw CRMError.invalidValue(field: field + ".name", reason: "required", message: "unit \(code) needs a name")
        }
        return Unit(code: code, name: name)
    }

    package var json: JSON { ["code": .string(code), "name": .string(name)] }
}

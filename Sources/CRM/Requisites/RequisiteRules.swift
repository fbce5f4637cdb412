import JSONKit
import RussianFormats

/// The legal shape of requisites: which fields each preset has, and the checksums every
/// identifier must pass (REFERENCE-ru.md). ИНН is the tax number, КПП the tax registration
/// reason code, ОГРН/ОГРНИП the state registration numbers of a company / sole proprietor.
package enum RequisiteRules {
    /// Requisite presets: a legal entity (ООО, АО…), a sole proprietor (ИП), a private person.
    package static let presets = ["legal", "ip", "person"]

    package static let fieldNames: Set<String> = [
        "inn", "kpp", "ogrn", "ogrnip", "opf", "fullName", "shortName", "legalAddress", "postalAddress", "directorTitle",
        "directorName", "accountantName", "lastName", "firstName", "middleName", "okpo", "oktmo", "okved", "registrationDate", "status",
        "okvedName", "region", "smeCategory", "snils",
    ]

    /// Checks `fields` for `preset` (nil: a lead's requisites, preset not known yet) and returns
    /// them with empty values dropped. Throws 1007 naming the first bad field.
    package static func validate(_ fields: [String: JSON], preset: String?, prefix: String = "") throws(CRMError) -> [String: JSON] {
        var clean: [String: JSON] = [:]
        for (name, value) in fields {
            if value == .null || value == .string("") { continue }
            guard fieldNames.contains(name) else {
                throw CRMError.invalidParam("/fields/\(name)", "unknown requisite field '\(name)'")
            }
            guard case .string(let text) = value else {
                throw CRMError.invalidValue(field: prefix + name, reason: "type", message: "\(name) must be a string")
            }
            if let problem = problem(name, text, preset: preset) {
                throw CRMError.invalidValue(field: prefix + name, reason: problem, message: "\(name) '\(text)' fails the \(problem) check")
            }
            clean[name] = .string(text)
        }
        return clean
    }

    private static func problem(_ name: String, _ text: String, preset: String?) -> String? {
        switch name {
        case "inn":
            switch preset {
            case "legal": return RussianIdentifiers.checkLegalEntityINN(text)?.rawValue
            case "ip", "person": return RussianIdentifiers.checkPersonINN(text)?.rawValue
            default: return RussianIdentifiers.checkINN(text)?.rawValue
            }
        case "kpp":
            if preset == "ip" || preset == "person" { return "notApplicable" }
            return RussianIdentifiers.checkKPP(text)?.rawValue
        case "ogrn":
            if preset == "ip" || preset == "person" { return "notApplicable" }
            return RussianIdentifiers.checkOGRN(text)?.rawValue
        case "ogrnip":
            if preset == "legal" { return "notApplicable" }
            return RussianIdentifiers.checkOGRNIP(text)?.rawValue
        case "okpo": return RussianIdentifiers.checkOKPO(text)?.rawValue
        case "snils": return RussianIdentifiers.checkSNILS(text)?.rawValue
        case "registrationDate": return Timestamp.parseDate(text) == nil ? "format" : nil
        default: return nil
        }
    }

    /// Bank details: БИК (bank id), the settlement account keyed against it, the bank's
    /// correspondent account. A treasury account (03…) written with an ЕКС (40102…) as the
    /// correspondent account is taken as payment orders write it: it has no key, the ЕКС has.
    package static func validateBank(bik: String, account: String, corrAccount: String?) throws(CRMError) {
        if let problem = RussianIdentifiers.checkBIK(bik) {
            throw CRMError.invalidValue(field: "bik", reason: problem.rawValue, message: "БИК '\(bik)' fails the \(problem.rawValue) check")
        }
        let isTreasury = RussianIdentifiers.isTreasuryAccount(account, correspondentAccount: corrAccount)
        if let problem = isTreasury ? RussianIdentifiers.checkTreasuryAccount(account) : RussianIdentifiers.checkSettlementAccount(account, bik: bik) {
            throw CRMError.invalidValue(field: "account", reason: problem.rawValue, message: "account fails the \(problem.rawValue) check against БИК \(bik)")
        }
        if let corrAccount, let problem = RussianIdentifiers.checkCorrespondentAccount(corrAccount, bik: bik) {
            throw CRMError.invalidValue(field: "corrAccount", reason: problem.rawValue,
                                        message: "correspondent account fails the \(problem.rawValue) check against БИК \(bik)")
        }
    }
}

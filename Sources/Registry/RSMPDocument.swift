/// The parts of one `Документ` of the SME registry as read, before they become a
/// `RegistryRecord` with requisite fields.
///
/// The mapping (REFERENCE-ru.md, "Company registry by INN"): `ВидСубМСП` 1 is an organisation
/// (preset legal), 2 a sole proprietor (preset ip); `КатСубМСП` → smeCategory; an ИП's names
/// give «Индивидуальный предприниматель Фамилия Имя Отчество», «ИП Фамилия И. О.» and opf «ИП»;
/// an organisation's opf comes from its name; the location parts give `region` and a
/// `legalAddress` without a street (the registry has none).
struct RSMPDocument {
    /// `ДатаСост` already as "YYYY-MM-DD".
    var stateDate: String?
    var subjectKind: String?
    var category: String?
    var hasOrganisation = false
    var organisationName: String?
    var organisationShortName: String?
    var organisationINN: String?
    var ogrn: String?
    var hasEntrepreneur = false
    var entrepreneurINN: String?
    var ogrnip: String?
    var lastName: String?
    var firstName: String?
    var middleName: String?
    /// Formatted «Регион», «Район», «Город», «НаселПункт», by level.
    var places: [String?] = [nil, nil, nil, nil]
    var okved: String?
    var okvedName: String?

    /// The record, or `badFile` naming what is missing. `number` counts documents from 1;
    /// `names` caches the title-cased forms of personal names.
    func record(number: Int, names: inout TextCache) throws(RegistryError) -> RegistryRecord {
        let isEntrepreneur: Bool
        switch subjectKind?.trimmed {
        case "1": isEntrepreneur = false
        case "2": isEntrepreneur = true
        case nil: isEntrepreneur = hasEntrepreneur && !hasOrganisation
        case let other?: throw .badFile(reason: "Документ #\(number): unknown ВидСубМСП \"\(other)\"")
        }
        var record = RegistryRecord(preset: isEntrepreneur ? .ip : .legal)
        if isEntrepreneur {
            guard hasEntrepreneur, let inn = entrepreneurINN?.trimmed, !inn.isEmpty else {
                throw .badFile(reason: "Документ #\(number) (ИП) has no ИПВклМСП with ИННФЛ")
            }
            record[.inn] = inn
            record[.ogrnip] = ogrnip?.trimmed
            let titleCased: (String) -> String? = { PlaceName.titleCasedIfCapitals($0.trimmed) }
            let last = lastName.flatMap { names.value($0, titleCased) }
            let first = firstName.flatMap { names.value($0, titleCased) }
            let middle = middleName.flatMap { names.value($0, titleCased) }
            record[.lastName] = last
            record[.firstName] = first
            record[.middleName] = middle
            record[.opf] = "ИП"
            let fullName = [last, first, middle].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            if !fullName.isEmpty {
                record[.fullName] = "Индивидуальный предприниматель " + fullName
                let initials = [first, middle].compactMap { $0?.first.map { "\($0)." } }.joined(separator: " ")
                record[.shortName] = ["ИП", last, initials].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            }
        } else {
            guard hasOrganisation, let inn = organisationINN?.trimmed, !inn.isEmpty else {
                throw .badFile(reason: "Документ #\(number) (organisation) has no ОргВклМСП with ИННЮЛ")
            }
            record[.inn] = inn
            record[.ogrn] = ogrn?.trimmed
            record[.fullName] = organisationName?.trimmed
            record[.shortName] = organisationShortName?.trimmed
            record[.opf] = LegalForm.abbreviation(fullName: organisationName, shortName: organisationShortName)
        }
        record[.smeCategory] = category?.trimmed
        record[.okved] = okved?.trimmed
        record[.okvedName] = okvedName?.trimmed
        record[.region] = places[0] ?? nil
        var parts: [String] = []
        for case let part? in places where !parts.contains(part) {
            parts.append(part)
        }
        record[.legalAddress] = parts.isEmpty ? nil : parts.joined(separator: ", ")
        record.stateDate = stateDate
        return record
    }

    /// "DD.MM.YYYY" → "YYYY-MM-DD"; an ISO date is kept; anything else is nil.
    static func isoDate(_ text: String) -> String? {
        let value = text.trimmed
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        {
            return "\(parts[2])-\(parts[1])-\(parts[0])"
        }
        let iso = value.split(separator: "-", omittingEmptySubsequences: false)
        if iso.count == 3, iso[0].count == 4, iso[1].count == 2, iso[2].count == 2 { return value }
        return nil
    }
}

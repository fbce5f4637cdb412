import JSONKit

/// Maps a findById/party answer to a `RegistryEntry` (source "online").
///
/// From the first suggestion's `data`: `type` LEGAL → preset legal, INDIVIDUAL → ip (else
/// guessed from the INN's length); `inn`; `kpp`; `ogrn` → ogrn (legal) or ogrnip (ip);
/// `name.full_with_opf` / `short_with_opf` → fullName / shortName; `opf.short` → opf;
/// `management.name` / `post` → directorName / directorTitle; `fio.surname` / `name` /
/// `patronymic` → lastName / firstName / middleName; `address.unrestricted_value` (else
/// `value`) → legalAddress; `address.data.region_with_type` → region; `okpo`, `oktmo`, `okved`;
/// `state.status` → status; `state.registration_date` (epoch milliseconds) → registrationDate
/// as a UTC "YYYY-MM-DD". Null, empty and missing values are left out. An answer without a
/// `suggestions` array, or a suggestion without a `data` object, is a `badResponse`.
enum PartyMapping {
    static func entry(fromResponse body: [UInt8]) throws(RegistryError) -> RegistryEntry? {
        let answer: JSON
        do {
            answer = try JSON.parse(body)
        } catch {
            throw .badResponse("the answer is not JSON (\(error))")
        }
        guard let suggestions = answer["suggestions"]?.arrayValue else {
            throw .badResponse("the answer has no \"suggestions\" array")
        }
        guard let first = suggestions.first else { return nil }
        guard let data = first["data"], data.objectValue != nil else {
            throw .badResponse("the first suggestion has no \"data\" object")
        }
        return entry(from: data)
    }

    static func entry(from data: JSON) -> RegistryEntry {
        var fields: [String: String] = [:]
        func set(_ field: String, _ value: JSON?) {
            if let text = text(value) { fields[field] = text }
        }
        let inn = text(data["inn"])
        let preset: RequisitePreset
        switch text(data["type"]) {
        case "INDIVIDUAL": preset = .ip
        case "LEGAL": preset = .legal
        default: preset = inn?.count == 12 ? .ip : .legal
        }
        set("inn", data["inn"])
        set("kpp", data["kpp"])
        set(preset == .ip ? "ogrnip" : "ogrn", data["ogrn"])
        set("fullName", data["name"]?["full_with_opf"])
        set("shortName", data["name"]?["short_with_opf"])
        set("opf", data["opf"]?["short"])
        set("directorName", data["management"]?["name"])
        set("directorTitle", data["management"]?["post"])
        set("lastName", data["fio"]?["surname"])
        set("firstName", data["fio"]?["name"])
        set("middleName", data["fio"]?["patronymic"])
        set("legalAddress", data["address"]?["unrestricted_value"])
        if fields["legalAddress"] == nil { set("legalAddress", data["address"]?["value"]) }
        set("region", data["address"]?["data"]?["region_with_type"])
        set("okpo", data["okpo"])
        set("oktmo", data["oktmo"])
        set("okved", data["okved"])
        set("status", data["state"]?["status"])
        if let milliseconds = data["state"]?["registration_date"].flatMap(epochMilliseconds) {
            fields["registrationDate"] = CivilDate.utcDay(epochMilliseconds: milliseconds)
        }
        return RegistryEntry(preset: preset, fields: fields, source: "online")
    }

    /// A string, or a number's text; nil for null, empty text and other kinds.
    private static func text(_ value: JSON?) -> String? {
        switch value {
        case .string(let text)?:
            let trimmed = text.trimmed
            return trimmed.isEmpty ? nil : trimmed
        case .number(let number)?:
            return number.text
        default:
            return nil
        }
    }

    private static func epochMilliseconds(_ value: JSON) -> Int64? {
        switch value {
        case .number(let number): number.int64Value ?? Int64(exactly: number.doubleValue.rounded(.down))
        case .string(let text): Int64(text)
        default: nil
        }
    }
}

/// The requisite fields the offline registry stores, one column each, named as in API.md.
///
/// The SME registry has no KPP, street address, director, OKPO/OKTMO, registration date or
/// status, so those fields never come from it.
enum RegistryField: Int, CaseIterable {
    case inn, ogrn, ogrnip, opf, fullName, shortName, lastName, firstName, middleName
    case legalAddress, region, okved, okvedName, smeCategory

    var name: String {
        switch self {
        case .inn: "inn"
        case .ogrn: "ogrn"
        case .ogrnip: "ogrnip"
        case .opf: "opf"
        case .fullName: "fullName"
        case .shortName: "shortName"
        case .lastName: "lastName"
        case .firstName: "firstName"
        case .middleName: "middleName"
        case .legalAddress: "legalAddress"
        case .region: "region"
        case .okved: "okved"
        case .okvedName: "okvedName"
        case .smeCategory: "smeCategory"
        }
    }
}

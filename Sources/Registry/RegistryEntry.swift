/// What a registry knows about one company or sole proprietor, as requisite fields named as in
/// API.md.
///
/// Field names: `inn, kpp, ogrn, ogrnip, opf, fullName, shortName, legalAddress, directorTitle,
/// directorName, lastName, firstName, middleName, okpo, oktmo, okved, registrationDate`
/// ("YYYY-MM-DD"), `status` (e.g. "ACTIVE"), plus `okvedName`, `region` and `smeCategory`
/// ("1" micro, "2" small, "3" medium). A field the source does not know is absent, never empty.
/// `source` says where the entry came from: "offline" (the imported SME registry) or "online".
public struct RegistryEntry: Sendable, Equatable {
    public var preset: RequisitePreset
    public var fields: [String: String]
    public var source: String

    public init(preset: RequisitePreset, fields: [String: String], source: String) {
        self.preset = preset
        self.fields = fields
        self.source = source
    }
}

/// The kind of requisites a registry entry describes: an organisation (`legal`) or a sole
/// proprietor (`ip`, индивидуальный предприниматель). The raw values are API.md's preset names.
public enum RequisitePreset: String, Sendable {
    case legal
    case ip
}

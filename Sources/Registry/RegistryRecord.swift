/// One company or sole proprietor read from the registry, ready to be stored: its preset,
/// a value (or nil) for each `RegistryField`, and the registry date of the record.
struct RegistryRecord: Equatable {
    var preset: RequisitePreset
    var values: [String?] = Array(repeating: nil, count: RegistryField.allCases.count)
    /// `ДатаСост` as "YYYY-MM-DD".
    var stateDate: String?

    init(preset: RequisitePreset) {
        self.preset = preset
    }

    subscript(field: RegistryField) -> String? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue.flatMap { $0.isEmpty ? nil : $0 } }
    }

    var inn: String { self[.inn] ?? "" }

    /// The requisite fields that have a value.
    var fields: [String: String] {
        var fields: [String: String] = [:]
        for field in RegistryField.allCases {
            if let value = self[field] { fields[field.name] = value }
        }
        return fields
    }
}

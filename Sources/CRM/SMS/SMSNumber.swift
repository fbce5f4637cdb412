/// A phone number as SMS gateways take it: the international number's digits, no `+`
/// (`79161234567`).
///
/// The number is read as REFERENCE-ru.md reads phones (`ContactKeys.phone`): `8 (916) 123-45-67`,
/// `+7 916 123 45 67`, `89161234567` and `9161234567` are all `79161234567`, an extension is cut
/// off. A number typed with `+` and 8 to 15 digits is taken as international (`+380 44 …`).
/// Anything else (a 7-digit local number, letters, a number without a country) cannot be sent to.
package enum SMSNumber {
    /// The gateway form of `raw`, or nil when it cannot be a phone to send to.
    package static func normalized(_ raw: String) -> String? {
        let key = ContactKeys.phone(raw)
        guard key.hasPrefix("+") else { return nil }
        let digits = key.dropFirst()
        guard (8...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), digits.first != "0" else { return nil }
        return String(digits)
    }

    /// `normalized(raw)`, or 1007 `{field, reason: "phone"}`.
    package static func required(_ raw: String, field: String) throws -> String {
        guard let number = normalized(raw) else {
            throw CRMError.invalidValue(field: field, reason: "phone",
                                        message: "'\(raw.prefix(40))' is not a phone number an SMS can go to (e.g. +7 916 123-45-67)")
        }
        return number
    }
}

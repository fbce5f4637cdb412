/// Why a Russian business identifier was rejected, as a machine-readable reason.
///
/// The checks in ``RussianIdentifiers`` look at a value in a fixed order and report the
/// first problem found: the number of characters (`length`), then the characters
/// themselves (`digits`, or `format` for identifiers with a layout), then the check digit
/// (`checksum`). The raw values are stable and meant for error payloads.
public enum IdentifierProblem: String, Sendable, Hashable, CaseIterable, Error {
    /// The value has the wrong number of characters for this identifier.
    case length
    /// The length is right but some character is not an ASCII digit 0–9.
    case digits
    /// The value is well formed but its check digit (or an account's key) does not match.
    case checksum
    /// The characters do not follow the identifier's layout: a КПП with letters outside
    /// positions 5–6, or a СНИЛС with separators in the wrong places.
    case format
}

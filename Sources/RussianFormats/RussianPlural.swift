/// Chooses the Russian noun form that goes with a count: «1 рубль», «2 рубля», «5 рублей».
///
/// The rule looks at the last two digits: 11–14 take the "many" form (рублей); otherwise a
/// last digit of 1 takes the "one" form (рубль), 2–4 the "few" form (рубля), and 0, 5–9
/// the "many" form. The sign of the count does not matter.
public enum RussianPlural {
    /// The form of the noun for `count`, e.g. `form(for: 22, one: "рубль", few: "рубля", many: "рублей")` is «рубля».
    public static func form<Count: BinaryInteger>(for count: Count, one: String, few: String, many: String) -> String {
        let lastTwo = Int(count.magnitude % 100)
        if (11...14).contains(lastTwo) { return many }
        switch lastTwo % 10 {
        case 1: return one
        case 2, 3, 4: return few
        default: return many
        }
    }
}

/// Amounts written out in Russian words the way 1C prints them on an invoice:
/// «Одна тысяча двести тридцать четыре рубля 56 копеек».
///
/// The rules it keeps: the rubles are spelled out with a capital first letter, the
/// kopecks are two digits; each noun agrees with its number by ``RussianPlural``
/// (11–14 → рублей/тысяч/копеек; last digit 1 → рубль/тысяча/копейка; 2–4 → рубля/тысячи/
/// копейки; else рублей/тысяч/копеек). Рубль and the scales from миллион up are masculine
/// (один, два), тысяча and копейка feminine (одна, две). Empty triads are skipped
/// («Один миллион один рубль 00 копеек») and zero is «Ноль рублей».
public enum AmountInWords {
    /// The amount in words, 1C style: `rubles(kopecks: 123456)` is «Одна тысяча двести
    /// тридцать четыре рубля 56 копеек».
    ///
    /// - Parameter kopecks: the amount in minor units (копейки, 1/100 of a рубль); meant to
    ///   be non-negative. Every `Int64` is accepted: a negative amount is written with
    ///   «Минус» in front.
    public static func rubles(kopecks: Int64) -> String {
        let magnitude = kopecks.magnitude
        let whole = magnitude / 100
        let fraction = Int(magnitude % 100)
        var text = kopecks < 0 ? "минус " : ""
        text += spell(whole, feminine: false)
        text += " " + RussianPlural.form(for: whole, one: "рубль", few: "рубля", many: "рублей")
        text += " " + (fraction < 10 ? "0" : "") + String(fraction)
        text += " " + RussianPlural.form(for: fraction, one: "копейка", few: "копейки", many: "копеек")
        return capitalizingFirstLetter(text)
    }

    /// An integer in words, in lower case, e.g. for quantities: `number(21, feminine: true)`
    /// is «двадцать одна», `number(2_000_002, feminine: false)` «два миллиона два».
    ///
    /// - Parameter feminine: whether the units agree with a feminine noun (одна, две)
    ///   rather than a masculine one (один, два). Тысяча is always feminine, миллион and the
    ///   larger scales always masculine. Negative values start with «минус».
    public static func number(_ value: Int64, feminine: Bool) -> String {
        (value < 0 ? "минус " : "") + spell(value.magnitude, feminine: feminine)
    }

    // MARK: Spelling

    /// The scales above units, each with its noun forms and grammatical gender.
    private static let scales: [(one: String, few: String, many: String, feminine: Bool)] = [
        ("тысяча", "тысячи", "тысяч", true),
        ("миллион", "миллиона", "миллионов", false),
        ("миллиард", "миллиарда", "миллиардов", false),
        ("триллион", "триллиона", "триллионов", false),
        ("квадриллион", "квадриллиона", "квадриллионов", false),
        ("квинтиллион", "квинтиллиона", "квинтиллионов", false),
    ]

    private static let hundreds = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]
    private static let tens = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"]
    private static let teens = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
    private static let masculineUnits = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
    private static let feminineUnits = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]

    /// Lower-case words for a whole number; «ноль» for zero.
    private static func spell(_ value: UInt64, feminine: Bool) -> String {
        if value == 0 { return "ноль" }
        var triads: [Int] = []            // least significant first
        var rest = value
        while rest > 0 {
            triads.append(Int(rest % 1000))
            rest /= 1000
        }
        var words: [String] = []
        for position in stride(from: triads.count - 1, through: 0, by: -1) {
            let triad = triads[position]
            if triad == 0 { continue }
            if position == 0 {
                words += triadWords(triad, feminine: feminine)
            } else {
                let scale = scales[position - 1]
                words += triadWords(triad, feminine: scale.feminine)
                words.append(RussianPlural.form(for: triad, one: scale.one, few: scale.few, many: scale.many))
            }
        }
        return words.joined(separator: " ")
    }

    /// The words for 1...999.
    private static func triadWords(_ triad: Int, feminine: Bool) -> [String] {
        var words: [String] = []
        if triad >= 100 { words.append(hundreds[triad / 100]) }
        let lastTwo = triad % 100
        if (10...19).contains(lastTwo) {
            words.append(teens[lastTwo - 10])
        } else {
            if lastTwo >= 20 { words.append(tens[lastTwo / 10]) }
            if lastTwo % 10 > 0 { words.append((feminine ? feminineUnits : masculineUnits)[lastTwo % 10]) }
        }
        return words
    }

    private static func capitalizingFirstLetter(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}

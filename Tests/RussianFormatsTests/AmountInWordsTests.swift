import Testing
import RussianFormats

/// Amounts in words: the examples of REFERENCE-ru.md, then the num2words oracle tables of
/// AmountInWordsOracle.swift (written by generate_amounts.py).
@Suite struct AmountInWordsTests {
    @Test(arguments: [
        (Int64(123_456), "Одна тысяча двести тридцать четыре рубля 56 копеек"),
        (100_000, "Одна тысяча рублей 00 копеек"),
        (101, "Один рубль 01 копейка"),
        (50, "Ноль рублей 50 копеек"),
        (100_000_100, "Один миллион один рубль 00 копеек"),
        (0, "Ноль рублей 00 копеек"),
        (1, "Ноль рублей 01 копейка"),
        (2_202, "Двадцать два рубля 02 копейки"),
        (1_111, "Одиннадцать рублей 11 копеек"),
        (11_214, "Сто двенадцать рублей 14 копеек"),
        (200_000_021, "Два миллиона рублей 21 копейка"),
        (200_200_000, "Два миллиона две тысячи рублей 00 копеек"),
        (2_100_000_000_000, "Двадцать один миллиард рублей 00 копеек"),
        (100_000_000_000_000, "Один триллион рублей 00 копеек"),
        (1_200_300_400_500_60, "Один триллион двести миллиардов триста миллионов четыреста тысяч пятьсот рублей 60 копеек"),
    ])
    func referenceExamples(_ kopecks: Int64, _ words: String) {
        #expect(AmountInWords.rubles(kopecks: kopecks) == words)
    }

    @Test func largestAmounts() {
        #expect(AmountInWords.rubles(kopecks: 99_999_999_999_999_999) == "Девятьсот девяносто девять триллионов девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек")
        #expect(AmountInWords.rubles(kopecks: .max) == "Девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 07 копеек")
    }

    @Test func negativeAmountsSayMinus() {
        #expect(AmountInWords.rubles(kopecks: -150) == "Минус один рубль 50 копеек")
        #expect(AmountInWords.rubles(kopecks: .min).hasPrefix("Минус девяносто два квадриллиона"))
        #expect(AmountInWords.number(-21, feminine: true) == "минус двадцать одна")
    }

    @Test func oracleAmounts() {
        #expect(amountOracle.count >= 290)
        for (kopecks, words) in amountOracle {
            #expect(AmountInWords.rubles(kopecks: kopecks) == words, "kopecks \(kopecks)")
        }
    }

    @Test func numbersWithGender() {
        #expect(AmountInWords.number(21, feminine: true) == "двадцать одна")
        #expect(AmountInWords.number(21, feminine: false) == "двадцать один")
        #expect(AmountInWords.number(2_002_002, feminine: true) == "два миллиона две тысячи две")
        #expect(AmountInWords.number(.max, feminine: false) == "девять квинтиллионов двести двадцать три квадриллиона триста семьдесят два триллиона тридцать шесть миллиардов восемьсот пятьдесят четыре миллиона семьсот семьдесят пять тысяч восемьсот семь")
        for (value, feminine, words) in quantityOracle {
            #expect(AmountInWords.number(value, feminine: feminine) == words, "\(value) feminine: \(feminine)")
        }
    }

    @Test(arguments: [
        (0, "рублей"), (1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"), (12, "рублей"),
        (14, "рублей"), (15, "рублей"), (21, "рубль"), (22, "рубля"), (101, "рубль"), (111, "рублей"),
        (112, "рублей"), (1_000_021, "рубль"), (-3, "рубля"),
    ])
    func pluralForms(_ count: Int, _ form: String) {
        #expect(RussianPlural.form(for: count, one: "рубль", few: "рубля", many: "рублей") == form)
    }
}

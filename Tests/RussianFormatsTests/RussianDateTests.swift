import Testing
import RussianFormats

@Suite struct RussianDateTests {
    @Test(arguments: zip(1...12, [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ]))
    func longFormForEveryMonth(_ month: Int, _ genitive: String) {
        #expect(RussianDate.long(year: 2026, month: month, day: 5) == "5 \(genitive) 2026 г.")
        #expect(RussianDate.long(year: 2026, month: month, day: 28) == "28 \(genitive) 2026 г.")
    }

    @Test func numericForm() {
        #expect(RussianDate.numeric(year: 2026, month: 3, day: 5) == "05.03.2026")
        #expect(RussianDate.numeric(year: 1999, month: 12, day: 31) == "31.12.1999")
        #expect(RussianDate.numeric(year: 987, month: 1, day: 1) == "01.01.0987")
    }

    @Test func parsesNumericDates() {
        #expect(RussianDate.parseNumeric("05.03.2026")! == (2026, 3, 5))
        #expect(RussianDate.parseNumeric("29.02.2024")! == (2024, 2, 29))
        for bad in ["29.02.2025", "31.04.2026", "00.01.2026", "01.13.2026", "5.03.2026", "05-03-2026", "05.03.26", "05.03.2026 ", "аб.03.2026", "T"] {
            #expect(RussianDate.parseNumeric(bad) == nil, "\(bad)")
        }
    }

    @Test func calendar() {
        #expect(RussianDate.daysIn(year: 2000, month: 2) == 29)
        #expect(RussianDate.daysIn(year: 1900, month: 2) == 28)
        #expect(RussianDate.daysIn(year: 2026, month: 4) == 30)
        #expect(RussianDate.isValid(year: 2026, month: 12, day: 31))
        #expect(!RussianDate.isValid(year: 0, month: 1, day: 1))
    }
}

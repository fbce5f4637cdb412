import Testing
@testable import Registry

@Suite struct MappingTests {
    @Test(arguments: [
        ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"РОМАШКА\"", nil, "ООО"),
        ("Общество с ограниченной ответственностью «Ромашка»", nil, "ООО"),
        ("ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"БАНК\"", nil, "ПАО"),
        ("НЕПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"Н\"", nil, "НАО"),
        ("АКЦИОНЕРНОЕ ОБЩЕСТВО \"А\"", nil, "АО"),
        ("ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"З\"", nil, "ЗАО"),
        ("ОТКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"О\"", nil, "ОАО"),
        ("ПРОИЗВОДСТВЕННЫЙ КООПЕРАТИВ \"П\"", nil, "ПК"),
        ("ЧТО-ТО ДРУГОЕ", "ООО \"ДРУГОЕ\"", "ООО"),
        ("ЧТО-ТО ДРУГОЕ", "АО«ДРУГОЕ»", "АО"),
        ("ОООШКА", nil, nil),
        ("ТОВАРИЩЕСТВО НА ВЕРЕ \"Т\"", nil, nil),
    ] as [(String, String?, String?)])
    func derivesTheLegalForm(fullName: String, shortName: String?, expected: String?) {
        #expect(LegalForm.abbreviation(fullName: fullName, shortName: shortName) == expected)
    }

    @Test(arguments: [
        ("ОБЛАСТЬ", "МОСКОВСКАЯ", "Московская обл."),
        ("область", "Московская", "Московская обл."),
        ("обл.", "Московская", "Московская обл."),
        ("ГОРОД", "МОСКВА", "г. Москва"),
        ("г.", "СТАРАЯ КУПАВНА", "г. Старая Купавна"),
        ("Г", "РОСТОВ-НА-ДОНУ", "г. Ростов-на-Дону"),
        ("РЕСПУБЛИКА", "ТАТАРСТАН", "Респ. Татарстан"),
        ("Респ", "Татарстан", "Респ. Татарстан"),
        ("КРАЙ", "КРАСНОДАРСКИЙ", "Краснодарский край"),
        ("РАЙОН", "ОДИНЦОВСКИЙ", "Одинцовский р-н"),
        ("СЕЛО", "ИВАНОВКА", "с. Ивановка"),
        ("ХУТОР", "ЛЕБЯЖИЙ", "х. Лебяжий"),
        ("УЛУС", "ЧУРАПЧИНСКИЙ", "улус Чурапчинский"),
        ("", "ЧЕЧЕНСКАЯ РЕСПУБЛИКА", "Чеченская Республика"),
    ])
    func formatsPlaceNames(type: String, name: String, expected: String) {
        #expect(PlaceName.format(type: type, name: name) == expected)
    }

    @Test func convertsRegistryDates() {
        #expect(RSMPDocument.isoDate("10.01.2024") == "2024-01-10")
        #expect(RSMPDocument.isoDate("2024-01-10") == "2024-01-10")
        #expect(RSMPDocument.isoDate("10/01/2024") == nil)
        #expect(RSMPDocument.isoDate("1.1.2024") == nil)
    }

    @Test func convertsEpochMillisecondsToUTCDays() {
        #expect(CivilDate.utcDay(epochMilliseconds: 0) == "1970-01-01")
        #expect(CivilDate.utcDay(epochMilliseconds: 1_027_027_800_000) == "2002-07-18")
        #expect(CivilDate.utcDay(epochMilliseconds: 951_782_400_000) == "2000-02-29")
        #expect(CivilDate.utcDay(epochMilliseconds: -1) == "1969-12-31")
    }

    @Test func windows1251TableMatchesTheCodePage() {
        let text = (0xC0...0xFF).map { String(UnicodeScalar(0x410 + $0 - 0xC0)!) }.joined()
        var output = [UInt8](repeating: 0, count: 200)
        let input = (0xC0...0xFF).map { UInt8($0) }
        let count = input.withUnsafeBytes { Windows1251.transcode($0, into: &output) }
        #expect(String(decoding: output[..<count], as: UTF8.self) == text)
        let specials: [UInt8] = [0xA8, 0xB8, 0xB9, 0x88, 0x97, 0x98]
        let specialCount = specials.withUnsafeBytes { Windows1251.transcode($0, into: &output) }
        #expect(String(decoding: output[..<specialCount], as: UTF8.self) == "Ёё№€—\u{FFFD}")
    }
}

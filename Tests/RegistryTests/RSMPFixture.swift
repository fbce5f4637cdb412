/// Builds SME registry XML in the published format: root `Файл`, `ИдОтпр`, one `Документ` per
/// subject with `ОргВклМСП` or `ИПВклМСП/ФИОИП`, `СведМН`, `СвОКВЭД` and elements the importer
/// skips (`СвОКВЭДДоп`, `СвЛиценз`).
enum RSMPFixture {
    static func file(_ documents: [String], encoding: String = "UTF-8") -> String {
        """
        <?xml version="1.0" encoding="\(encoding)"?>
        <Файл ИдФайл="VO_RRMSPSV_0000_9965_20240110_test" ВерсФорм="4.02" ТипИнф="РЕЕСТРМСП" КолДок="\(documents.count)">
        <ИдОтпр><ФИООтв Фамилия="-" Имя="-"/></ИдОтпр>
        \(documents.joined(separator: "\n"))
        </Файл>

        """
    }

    static func organisation(
        inn: String, ogrn: String, name: String, shortName: String? = nil, category: String = "1",
        date: String = "10.01.2024", region: (String, String, String) = ("50", "ОБЛАСТЬ", "МОСКОВСКАЯ"),
        city: (String, String)? = ("ГОРОД", "ХИМКИ"), okved: (String, String) = ("62.01", "Разработка компьютерного программного обеспечения")
    ) -> String {
        let short = shortName.map { " НаимОргСокр=\"\($0)\"" } ?? ""
        return """
            <Документ ИдДок="\(inn)-doc" ДатаСост="\(date)" ДатаВклМСП="10.08.2016" ВидСубМСП="1" КатСубМСП="\(category)" ПризНовМСП="2" СведСоцПред="2" ССЧР="12">
            <ОргВклМСП НаимОрг="\(name)"\(short) ИННЮЛ="\(inn)" ОГРН="\(ogrn)"/>
            \(location(region, city))
            <СвОКВЭД><СвОКВЭДОсн КодОКВЭД="\(okved.0)" НаимОКВЭД="\(okved.1)" ВерсОКВЭД="2014"/>
            <СвОКВЭДДоп КодОКВЭД="46.51" НаимОКВЭД="Торговля оптовая компьютерами" ВерсОКВЭД="2014"/></СвОКВЭД>
            <СвЛиценз СерЛиценз="77" НомЛиценз="123" ДатаЛиценз="01.01.2020"><НаимЛицВД>Деятельность</НаимЛицВД></СвЛиценз>
            </Документ>
            """
    }

    static func entrepreneur(
        inn: String, ogrnip: String, last: String, first: String, middle: String?, category: String = "1",
        date: String = "10.01.2024", region: (String, String, String) = ("77", "ГОРОД", "МОСКВА"), city: (String, String)? = nil
    ) -> String {
        let middleAttribute = middle.map { " Отчество=\"\($0)\"" } ?? ""
        return """
            <Документ ИдДок="\(inn)-doc" ДатаСост="\(date)" ДатаВклМСП="10.08.2016" ВидСубМСП="2" КатСубМСП="\(category)" ПризНовМСП="2">
            <ИПВклМСП ИННФЛ="\(inn)" ОГРНИП="\(ogrnip)"><ФИОИП Фамилия="\(last)" Имя="\(first)"\(middleAttribute)/></ИПВклМСП>
            \(location(region, city))
            <СвОКВЭД><СвОКВЭДОсн КодОКВЭД="47.91" НаимОКВЭД="Торговля розничная по почте или по информационно-коммуникационной сети Интернет" ВерсОКВЭД="2014"/></СвОКВЭД>
            </Документ>
            """
    }

    private static func location(_ region: (String, String, String), _ city: (String, String)?) -> String {
        let cityElement = city.map { "<Город Тип=\"\($0.0)\" Наим=\"\($0.1)\"/>" } ?? ""
        return "<СведМН КодРегион=\"\(region.0)\"><Регион Тип=\"\(region.1)\" Наим=\"\(region.2)\"/>\(cityElement)</СведМН>"
    }

    /// `count` small organisations with INNs 7700000000 + offset + i.
    static func manyOrganisations(_ count: Int, offset: Int = 0, name: String = "РОМАШКА") -> [String] {
        (0..<count).map { index in
            let number = offset + index
            return organisation(
                inn: String(7_700_000_000 + number), ogrn: String(1_027_700_000_000 + number),
                name: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ &quot;\(name)-\(number)&quot;",
                shortName: "ООО &quot;\(name)-\(number)&quot;")
        }
    }

    static let yandex = organisation(
        inn: "7736207543", ogrn: "1027700229193",
        name: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ &quot;ЯНДЕКС&quot;", shortName: "ООО &quot;ЯНДЕКС&quot;",
        category: "3", region: ("77", "ГОРОД", "МОСКВА"), city: nil)

    static let khimki = organisation(
        inn: "5047000001", ogrn: "1025006170001", name: "АКЦИОНЕРНОЕ ОБЩЕСТВО &quot;ХИМКИ &amp; ПАРТНЁРЫ&quot;",
        category: "2", date: "10.02.2024")

    static let petrov = entrepreneur(
        inn: "500100732259", ogrnip: "304500116000157", last: "ПЕТРОВ", first: "ПЁТР", middle: "ПЕТРОВИЧ",
        region: ("50", "ОБЛАСТЬ", "МОСКОВСКАЯ"), city: ("ГОРОД", "ХИМКИ"))

    static let ivanova = entrepreneur(inn: "635277570478", ogrnip: "385768585948949", last: "ИВАНОВА", first: "АННА", middle: nil,
                                      region: ("61", "ОБЛАСТЬ", "РОСТОВСКАЯ"), city: ("Г", "РОСТОВ-НА-ДОНУ"))
}

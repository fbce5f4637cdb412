/// Element and attribute names of the SME registry's XML format (dataset 7707329152-rsmp), as
/// UTF-8 bytes for comparing against the scanner's buffer.
///
/// Root `Файл` (`ТипИнф="РЕЕСТРМСП"`), one `Документ` per subject (`ДатаСост`, `ВидСубМСП`,
/// `КатСубМСП`) with `ОргВклМСП` or `ИПВклМСП` (+ `ФИОИП`), `СведМН` (+ `Регион`, `Район`,
/// `Город`, `НаселПункт`, each with `Тип` and `Наим`) and `СвОКВЭД/СвОКВЭДОсн`.
enum RSMPNames {
    static let file = bytes("Файл")
    static let informationType = bytes("ТипИнф")
    static let expectedInformationType = "РЕЕСТРМСП"
    static let document = bytes("Документ")
    static let stateDate = bytes("ДатаСост")
    static let subjectKind = bytes("ВидСубМСП")
    static let category = bytes("КатСубМСП")

    static let organisation = bytes("ОргВклМСП")
    static let organisationName = bytes("НаимОрг")
    static let organisationShortName = bytes("НаимОргСокр")
    static let organisationINN = bytes("ИННЮЛ")
    static let ogrn = bytes("ОГРН")

    static let entrepreneur = bytes("ИПВклМСП")
    static let entrepreneurINN = bytes("ИННФЛ")
    static let ogrnip = bytes("ОГРНИП")
    static let personName = bytes("ФИОИП")
    static let lastName = bytes("Фамилия")
    static let firstName = bytes("Имя")
    static let middleName = bytes("Отчество")

    static let location = bytes("СведМН")
    static let regionCode = bytes("КодРегион")
    static let placeLevels = [bytes("Регион"), bytes("Район"), bytes("Город"), bytes("НаселПункт")]
    static let placeType = bytes("Тип")
    static let placeName = bytes("Наим")

    static let activities = bytes("СвОКВЭД")
    static let mainActivity = bytes("СвОКВЭДОсн")
    static let activityCode = bytes("КодОКВЭД")
    static let activityName = bytes("НаимОКВЭД")

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

import Testing
import RussianFormats

/// The vectors of REFERENCE-ru.md ("Identifiers and checksums") plus constructed cases.
@Suite struct RussianIdentifiersTests {
    // MARK: ИНН

    @Test(arguments: ["7707083893", "7736207543", "7736050003", "1234567894"])
    func validLegalEntityINN(_ inn: String) {
        #expect(RussianIdentifiers.checkINN(inn) == nil)
        #expect(RussianIdentifiers.checkLegalEntityINN(inn) == nil)
        #expect(RussianIdentifiers.checkPersonINN(inn) == .length)
    }

    @Test(arguments: ["500100732259", "635277570478", "123456789047"])
    func validPersonINN(_ inn: String) {
        #expect(RussianIdentifiers.checkINN(inn) == nil)
        #expect(RussianIdentifiers.checkPersonINN(inn) == nil)
        #expect(RussianIdentifiers.checkLegalEntityINN(inn) == .length)
    }

    @Test(arguments: [
        ("1234567895", IdentifierProblem.checksum),   // reference: wrong 10th digit
        ("635277570473", .checksum),                  // reference: wrong 12th digit
        ("635277570578", .checksum),                  // wrong 11th digit
        ("7707083894", .checksum),
        ("", .length),
        ("770708389", .length),
        ("77070838931", .length),
        ("5001007322590", .length),
        ("77070838a3", .digits),
        ("7707 83893", .digits),
        ("５００１００７３２２５９", .digits),          // full-width digits are not digits here
        ("500100-32259", .digits),
    ])
    func invalidINN(_ inn: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkINN(inn) == problem)
    }

    // MARK: КПП

    @Test(arguments: ["773601001", "770401001", "7736AB001", "77360Z001"])
    func validKPP(_ kpp: String) {
        #expect(RussianIdentifiers.checkKPP(kpp) == nil)
    }

    @Test(arguments: [
        ("", IdentifierProblem.length), ("77360100", .length), ("7736010011", .length),
        ("7736ab001", .format), ("A73601001", .format), ("773601O01", .format), ("7736Ж1001", .format),
        ("7736 1001", .format),
    ])
    func invalidKPP(_ kpp: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkKPP(kpp) == problem)
    }

    // MARK: ОГРН, ОГРНИП

    @Test(arguments: ["1027700132195", "1027700229193", "1027700070518", "1037739010891"])
    func validOGRN(_ ogrn: String) {
        #expect(RussianIdentifiers.checkOGRN(ogrn) == nil)
        #expect(RussianIdentifiers.checkOGRNIP(ogrn) == .length)
    }

    @Test(arguments: [
        ("1027700132196", IdentifierProblem.checksum), ("102770013219", .length), ("10277001321950", .length),
        ("102770013219X", .digits),
    ])
    func invalidOGRN(_ ogrn: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkOGRN(ogrn) == problem)
    }

    /// The reference numbers, then constructed ones whose first 14 digits leave remainder
    /// 10, 11 and 12 mod 13: the check digit is the remainder's last digit (0, 1, 2).
    @Test(arguments: ["304500116000157", "385768585948949", "390937865797540", "398983478878381", "362889751402612"])
    func validOGRNIP(_ ogrnip: String) {
        #expect(RussianIdentifiers.checkOGRNIP(ogrnip) == nil)
        #expect(RussianIdentifiers.checkOGRN(ogrnip) == .length)
    }

    @Test func ogrnipRemaindersAboveNine() {
        // The constructed bodies really leave 10, 11 and 12.
        #expect(39_093_786_579_754 % 13 == 10)
        #expect(39_898_347_887_838 % 13 == 11)
        #expect(36_288_975_140_261 % 13 == 12)
        // Writing 0 for every remainder above 9 (the popular mistake) is rejected.
        #expect(RussianIdentifiers.checkOGRNIP("398983478878380") == .checksum)
        #expect(RussianIdentifiers.checkOGRNIP("362889751402610") == .checksum)
    }

    @Test(arguments: [
        ("304500116000154", IdentifierProblem.checksum), ("30450011600015", .length), ("3045001160001570", .length),
        ("30450011600015.", .digits),
    ])
    func invalidOGRNIP(_ ogrnip: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkOGRNIP(ogrnip) == problem)
    }

    // MARK: БИК and accounts

    @Test func bik() {
        #expect(RussianIdentifiers.checkBIK("044525225") == nil)
        #expect(RussianIdentifiers.checkBIK("04452522") == .length)
        #expect(RussianIdentifiers.checkBIK("0445252250") == .length)
        #expect(RussianIdentifiers.checkBIK("04452522O") == .digits)
    }

    @Test(arguments: [
        ("044525225", "30101810400000000225"),
        ("044030653", "30101810500000000653"),
    ])
    func validCorrespondentAccount(_ bik: String, _ account: String) {
        #expect(RussianIdentifiers.checkCorrespondentAccount(account, bik: bik) == nil)
    }

    @Test(arguments: [
        ("044030653", "40702810955230165464"),
        ("044525593", "40702810801400016513"),
        ("049805746", "40602810700000000025"),
    ])
    func validSettlementAccount(_ bik: String, _ account: String) {
        #expect(RussianIdentifiers.checkSettlementAccount(account, bik: bik) == nil)
    }

    /// Accounts at a РКЦ or another division of the Bank of Russia (БИК ending 000, 001, 002) are
    /// keyed with "0" and БИК digits 5–6 (Order 515), as published on tax payment orders before
    /// 2021: УФК по г. Москве at ГУ Банка России по ЦФО, УФК по Свердловской области at the
    /// Уральское ГУ. With БИК digits 7–9 both would fail.
    @Test(arguments: [
        ("044525000", "40101810045250010041"),
        ("046577001", "40101810500000010010"),
    ])
    func accountAtABankOfRussiaDivisionIsKeyedWithItsNumber(_ bik: String, _ account: String) {
        #expect(RussianIdentifiers.checkSettlementAccount(account, bik: bik) == nil)
        let changed = String(account.dropLast()) + String((Int(String(account.last!))! + 1) % 10)
        #expect(RussianIdentifiers.checkSettlementAccount(changed, bik: bik) == .checksum)
    }

    /// The real ЕНП details (Казначейство России (ФНС России), ОТДЕЛЕНИЕ ТУЛА БАНКА РОССИИ//УФК по
    /// Тульской области) and those of УФК по г. Москве: the treasury account has no key, the ЕКС
    /// passes the correspondent-account key against the ТОФК's БИК.
    @Test(arguments: [
        ("017003983", "03100643000000018500", "40102810445370000059"),
        ("004525988", "03100643000000017300", "40102810545370000003"),
    ])
    func treasuryAccountsAsPaymentOrdersWriteThem(_ bik: String, _ account: String, _ singleTreasuryAccount: String) {
        #expect(RussianIdentifiers.isTreasuryAccount(account, correspondentAccount: singleTreasuryAccount))
        #expect(RussianIdentifiers.checkTreasuryAccount(account) == nil)
        #expect(RussianIdentifiers.checkCorrespondentAccount(singleTreasuryAccount, bik: bik) == nil)
        // No БИК-based key fits the treasury account: why it has a rule of its own.
        #expect(RussianIdentifiers.checkSettlementAccount(account, bik: bik) == .checksum)
        #expect(RussianIdentifiers.checkCorrespondentAccount(account, bik: bik) == .checksum)
        // The ЕКС with one digit changed fails.
        let changed = String(singleTreasuryAccount.dropLast()) + String((Int(String(singleTreasuryAccount.last!))! + 1) % 10)
        #expect(RussianIdentifiers.checkCorrespondentAccount(changed, bik: bik) == .checksum)
    }

    @Test func treasuryAccountShape() {
        #expect(RussianIdentifiers.checkTreasuryAccount("0310064300000001850") == .length)
        #expect(RussianIdentifiers.checkTreasuryAccount("0310064300000001850X") == .digits)
        #expect(RussianIdentifiers.checkTreasuryAccount("40702810801400016513") == .format)
        #expect(!RussianIdentifiers.isTreasuryAccount("03100643000000018500", correspondentAccount: nil))
        #expect(!RussianIdentifiers.isTreasuryAccount("03100643000000018500", correspondentAccount: "30101810400000000225"))
        #expect(!RussianIdentifiers.isTreasuryAccount("40702810801400016513", correspondentAccount: "40102810445370000059"))
        // The ЕКС is keyed against its own ТОФК: Tula's does not pass with Moscow's БИК.
        #expect(RussianIdentifiers.checkCorrespondentAccount("40102810445370000059", bik: "004525988") == .checksum)
    }

    @Test func accountChecksThePairNotTheAccountAlone() {
        // A valid account with another bank's БИК, and the two kinds swapped.
        #expect(RussianIdentifiers.checkSettlementAccount("40702810955230165464", bik: "044525593") == .checksum)
        #expect(RussianIdentifiers.checkCorrespondentAccount("30101810400000000225", bik: "044030653") == .checksum)
        #expect(RussianIdentifiers.checkSettlementAccount("30101810400000000225", bik: "044525225") == .checksum)
        #expect(RussianIdentifiers.checkCorrespondentAccount("40702810801400016513", bik: "044525593") == .checksum)
        // One digit changed.
        #expect(RussianIdentifiers.checkSettlementAccount("40702810955230165465", bik: "044030653") == .checksum)
        #expect(RussianIdentifiers.checkCorrespondentAccount("30101810400000000226", bik: "044525225") == .checksum)
    }

    @Test func malformedAccountOrBIK() {
        #expect(RussianIdentifiers.checkSettlementAccount("4070281095523016546", bik: "044030653") == .length)
        #expect(RussianIdentifiers.checkSettlementAccount("407028109552301654640", bik: "044030653") == .length)
        #expect(RussianIdentifiers.checkSettlementAccount("40702 810955230165464", bik: "044030653") == .length)
        #expect(RussianIdentifiers.checkSettlementAccount("4070281095523016546X", bik: "044030653") == .digits)
        #expect(RussianIdentifiers.checkCorrespondentAccount("30101810400000000225", bik: "04452522") == .length)
        #expect(RussianIdentifiers.checkCorrespondentAccount("30101810400000000225", bik: "04452522x") == .digits)
        // The account's own problem comes first.
        #expect(RussianIdentifiers.checkSettlementAccount("", bik: "x") == .length)
    }

    // MARK: СНИЛС

    @Test(arguments: ["112-233-445 95", "112-855-899 74", "11223344595", "11285589974", "112-233-445-95"])
    func validSNILS(_ snils: String) {
        #expect(RussianIdentifiers.checkSNILS(snils) == nil)
    }

    /// Constructed numbers for each branch of the check-number rule.
    @Test(arguments: [
        ("300403917", 99, "99"),    // S < 100: S itself
        ("402102488", 100, "00"),   // S = 100 → 00
        ("141141702", 101, "00"),   // S = 101 → 00
        ("112855899", 175, "74"),   // S mod 101
        ("642185924", 201, "00"),   // S mod 101 = 100 → 00
        ("999999999", 405, "01"),   // S mod 101 = 1
    ])
    func snilsCheckNumberBranches(_ nine: String, _ sum: Int, _ check: String) {
        #expect(snilsSum(nine) == sum)
        #expect(RussianIdentifiers.checkSNILS(nine + check) == nil)
        let wrong = check == "00" ? "01" : "00"
        #expect(RussianIdentifiers.checkSNILS(nine + wrong) == .checksum)
    }

    @Test(arguments: [
        ("112-233-445 96", IdentifierProblem.checksum), ("11223344596", .checksum), ("112-855-899 75", .checksum),
        ("", .length), ("1122334459", .length), ("112-233-44595", .length), ("112 233 445 95 ", .length),
        ("112 233 445 95", .format), ("112-233-445_95", .format), ("1122-33-445 95", .format),
        ("112-2x3-445 95", .digits), ("1122334459x", .digits),
    ])
    func invalidSNILS(_ snils: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkSNILS(snils) == problem)
    }

    @Test func earlySNILSNumbersHaveNoCheck() {
        #expect(RussianIdentifiers.checkSNILS("001-001-998 00") == nil)
        #expect(RussianIdentifiers.checkSNILS("001-001-998 57") == nil)
        #expect(RussianIdentifiers.checkSNILS("001-001-999 00") == .checksum)
    }

    // MARK: ОКПО

    /// Sberbank and Gazprom (real); constructed: a first remainder of 10 recomputed with
    /// weights 3, 4, …; two tens giving 0; a 10-digit code whose second pass wraps the
    /// weights round to 1 after 10.
    @Test(arguments: ["00032537", "00040778", "00079197", "07523050", "0014662060", "0000000000"])
    func validOKPO(_ okpo: String) {
        #expect(RussianIdentifiers.checkOKPO(okpo) == nil)
    }

    @Test(arguments: [
        ("00032538", IdentifierProblem.checksum), ("07523051", .checksum), ("0014662065", .checksum),
        ("0003253", .length), ("000325370", .length), ("00032537000", .length), ("0003253X", .digits),
    ])
    func invalidOKPO(_ okpo: String, _ problem: IdentifierProblem) {
        #expect(RussianIdentifiers.checkOKPO(okpo) == problem)
    }

    @Test func problemsHaveStableRawValues() {
        #expect(IdentifierProblem.allCases.map(\.rawValue) == ["length", "digits", "checksum", "format"])
    }

    private func snilsSum(_ nine: String) -> Int {
        zip(nine, (1...9).reversed()).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    }
}

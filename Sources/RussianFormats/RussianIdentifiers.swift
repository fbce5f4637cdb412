/// Checks of Russian business identifiers: their length, their characters and their
/// check digits. Each check returns nil when the value is valid, else the first
/// ``IdentifierProblem`` found (length, then characters, then checksum).
///
/// Values are taken exactly as given: no trimming, no separators (except the printed form
/// of a СНИЛС). The identifiers:
/// - **ИНН** (INN), the taxpayer number: 10 digits for an organisation, 12 for a person or
///   a sole proprietor (**ИП**, индивидуальный предприниматель).
/// - **КПП** (KPP), the reason-for-registration code of an organisation: 9 characters.
/// - **ОГРН** (OGRN), the primary state registration number of an organisation: 13 digits;
///   **ОГРНИП** (OGRNIP), the same for a sole proprietor: 15 digits.
/// - **БИК** (BIK), the bank identification code: 9 digits.
/// - The 20-digit bank accounts: a settlement account (расчётный счёт, the client's account
///   at a bank) and a correspondent account (корреспондентский счёт, the bank's account at
///   the Bank of Russia); both carry a key digit checked together with the BIK. A treasury
///   account (казначейский счёт, 03…) carries none: it is written with the single treasury
///   account (ЕКС, 40102…) in the correspondent account's place, and the ЕКС is keyed.
/// - **СНИЛС** (SNILS), the personal insurance account number: 11 digits.
/// - **ОКПО** (OKPO), the statistics register code: 8 digits for an organisation, 10 for a
///   sole proprietor.
public enum RussianIdentifiers {
    // MARK: ИНН

    /// Checks an ИНН of either kind: 10 digits (organisation) or 12 digits (person or ИП).
    public static func checkINN(_ s: String) -> IdentifierProblem? {
        switch s.count {
        case 10: return checkLegalEntityINN(s)
        case 12: return checkPersonINN(s)
        default: return .length
        }
    }

    /// Checks the 10-digit ИНН of an organisation: digit 10 = (Σ dᵢ·wᵢ mod 11) mod 10 with
    /// weights 2, 4, 10, 3, 5, 9, 4, 6, 8 over digits 1–9.
    public static func checkLegalEntityINN(_ s: String) -> IdentifierProblem? {
        switch digits(of: s, count: 10) {
        case .failure(let problem): return problem
        case .success(let d):
            return innCheckDigit(d, weights: [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9] ? nil : .checksum
        }
    }

    /// Checks the 12-digit ИНН of a person or sole proprietor: digit 11 from digits 1–10
    /// (weights 7, 2, 4, 10, 3, 5, 9, 4, 6, 8), digit 12 from digits 1–11 (weights 3, 7, 2,
    /// 4, 10, 3, 5, 9, 4, 6, 8), each (Σ mod 11) mod 10.
    public static func checkPersonINN(_ s: String) -> IdentifierProblem? {
        switch digits(of: s, count: 12) {
        case .failure(let problem): return problem
        case .success(let d):
            let eleventh = innCheckDigit(d, weights: [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            let twelfth = innCheckDigit(d, weights: [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
            return eleventh == d[10] && twelfth == d[11] ? nil : .checksum
        }
    }

    // MARK: КПП

    /// Checks a КПП: 9 characters matching `^\d{4}[\dA-Z]{2}\d{3}$` (positions 5–6 may be
    /// capital Latin letters). It has no check digit; sole proprietors have no КПП at all.
    /// Any character out of the pattern gives `.format`.
    public static func checkKPP(_ s: String) -> IdentifierProblem? {
        let characters = Array(s)
        guard characters.count == 9 else { return .length }
        for (index, character) in characters.enumerated() {
            let isLetter = character.asciiValue.map { (65...90).contains($0) } ?? false
            let allowed = isDigit(character) || (index == 4 || index == 5) && isLetter
            if !allowed { return .format }
        }
        return nil
    }

    // MARK: ОГРН, ОГРНИП

    /// Checks a 13-digit ОГРН: digit 13 is the last digit of (the first 12 digits as a
    /// number) mod 11.
    public static func checkOGRN(_ s: String) -> IdentifierProblem? {
        registrationNumberProblem(s, count: 13, modulus: 11)
    }

    /// Checks a 15-digit ОГРНИП: digit 15 is the last digit of (the first 14 digits as a
    /// number) mod 13. A remainder of 10, 11 or 12 gives check digit 0, 1 or 2.
    public static func checkOGRNIP(_ s: String) -> IdentifierProblem? {
        registrationNumberProblem(s, count: 15, modulus: 13)
    }

    // MARK: БИК and bank accounts

    /// Checks a БИК: 9 digits; it has no check digit of its own.
    public static func checkBIK(_ s: String) -> IdentifierProblem? {
        switch digits(of: s, count: 9) {
        case .failure(let problem): return problem
        case .success: return nil
        }
    }

    /// Checks the key of a 20-digit account (a settlement account 40702…, 40802…, a budget
    /// account 40101…, 40601…) opened where this БИК points: the conditional number of the
    /// place, 3 digits, followed by the account must pass the Bank of Russia key rule of
    /// Order 515 (weights 7, 1, 3 repeated over the 23 digits, the last digits of the products
    /// sum to a multiple of 10).
    ///
    /// The conditional number is БИК digits 7–9 for an account at a credit institution. For an
    /// account at a cash settlement centre (РКЦ) or another division of the Bank of Russia —
    /// a БИК ending in 000, 001 or 002 — it is "0" and БИК digits 5–6, the number of the РКЦ
    /// itself, as Order 515 prescribes: the УФК's account 40101810045250010041 at БИК
    /// 044525000 is valid only so.
    ///
    /// The account is checked first; if it is well formed but `bik` is not 9 digits, the
    /// key cannot be computed and the БИК's own problem is returned (check the БИК
    /// separately to tell the two apart).
    public static func checkSettlementAccount(_ account: String, bik: String) -> IdentifierProblem? {
        accountKeyProblem(account, bik: bik) { bik in
            bik[6] == 0 && bik[7] == 0 && bik[8] <= 2 ? [0, bik[4], bik[5]] : Array(bik[6...8])
        }
    }

    /// Checks the key of the 20-digit correspondent account (30101…) of the bank with this
    /// БИК: "0" and БИК digits 5–6 followed by the account must pass the same key rule as
    /// ``checkSettlementAccount(_:bik:)``, which also describes how problems are reported.
    /// The ЕКС (40102…) written in its place beside a treasury account is keyed the same way.
    public static func checkCorrespondentAccount(_ account: String, bik: String) -> IdentifierProblem? {
        accountKeyProblem(account, bik: bik) { bik in [0, bik[4], bik[5]] }
    }

    /// Checks a treasury account (казначейский счёт) of the Federal Treasury as payment orders
    /// have carried it since 2021: 20 digits beginning with 03 (else `.length`, `.digits`,
    /// `.format`). It has no key of its own — no prefix from the БИК makes the ЕНП's
    /// 03100643000000018500 (БИК 017003983) pass the key rule — and is written with the single
    /// treasury account (единый казначейский счёт, ЕКС, 40102…) in the correspondent account's
    /// place. The ЕКС is keyed like a correspondent account, "0" and БИК digits 5–6 of the
    /// territorial treasury body (ТОФК): check it with ``checkCorrespondentAccount(_:bik:)``
    /// (40102810445370000059 at 017003983 passes).
    public static func checkTreasuryAccount(_ account: String) -> IdentifierProblem? {
        switch digits(of: account, count: 20) {
        case .failure(let problem): return problem
        case .success(let d): return d[0] == 0 && d[1] == 3 ? nil : .format
        }
    }

    /// Whether an account and the correspondent account written with it are a treasury account
    /// and its ЕКС (03… with 40102…): the account is checked by ``checkTreasuryAccount(_:)``,
    /// not by a key against the БИК.
    public static func isTreasuryAccount(_ account: String, correspondentAccount: String?) -> Bool {
        account.hasPrefix("03") && correspondentAccount?.hasPrefix("40102") == true
    }

    // MARK: СНИЛС

    /// Checks a СНИЛС given as 11 digits (`11223344595`) or in its printed form
    /// `112-233-445 95` (a hyphen is also accepted before the check number).
    ///
    /// With S = Σ dᵢ·(10 − i) over the first 9 digits, the last two digits are S when
    /// S < 100, 00 when S is 100 or 101, else S mod 101 (with 100 giving 00). Numbers up to
    /// 001-001-998 were issued before the check existed and are accepted with any check
    /// number.
    public static func checkSNILS(_ s: String) -> IdentifierProblem? {
        let characters = Array(s)
        var plain: [Character]
        switch characters.count {
        case 11:
            plain = characters
        case 14:
            guard characters[3] == "-", characters[7] == "-", characters[11] == " " || characters[11] == "-" else {
                return .format
            }
            plain = []
            for (index, character) in characters.enumerated() where ![3, 7, 11].contains(index) {
                plain.append(character)
            }
        default:
            return .length
        }
        guard let d = digitValues(plain) else { return .digits }
        let number = d[0..<9].reduce(0) { $0 * 10 + $1 }
        if number <= 1_001_998 { return nil }
        var sum = 0
        for index in 0..<9 { sum += d[index] * (9 - index) }
        let check: Int
        switch sum {
        case ..<100: check = sum
        case 100, 101: check = 0
        default: check = sum % 101 == 100 ? 0 : sum % 101
        }
        return check == d[9] * 10 + d[10] ? nil : .checksum
    }

    // MARK: ОКПО

    /// Checks an ОКПО: 8 digits (organisation) or 10 digits (sole proprietor), the last
    /// being a check digit by the method of the all-Russian classifiers: the digits get
    /// weights 1, 2, …, 10 (repeating from 1 after 10), the check digit is the sum of
    /// products mod 11; a remainder of 10 is recomputed with weights shifted by two
    /// (3, 4, …, 10, 1, 2, …), and a second 10 gives 0.
    public static func checkOKPO(_ s: String) -> IdentifierProblem? {
        let count = s.count
        guard count == 8 || count == 10 else { return .length }
        switch digits(of: s, count: count) {
        case .failure(let problem): return problem
        case .success(let d):
            let body = d.dropLast()
            func remainder(shift: Int) -> Int {
                var sum = 0
                for (index, digit) in body.enumerated() { sum += digit * ((index + shift) % 10 + 1) }
                return sum % 11
            }
            var check = remainder(shift: 0)
            if check == 10 { check = remainder(shift: 2) }
            if check == 10 { check = 0 }
            return check == d[count - 1] ? nil : .checksum
        }
    }

    // MARK: Helpers

    /// The digit values of `s` when it has exactly `count` characters, all ASCII digits.
    private static func digits(of s: String, count: Int) -> Result<[Int], IdentifierProblem> {
        let characters = Array(s)
        guard characters.count == count else { return .failure(.length) }
        guard let values = digitValues(characters) else { return .failure(.digits) }
        return .success(values)
    }

    /// The digit values of the characters, or nil if any is not an ASCII digit.
    private static func digitValues(_ characters: [Character]) -> [Int]? {
        var values: [Int] = []
        values.reserveCapacity(characters.count)
        for character in characters {
            guard isDigit(character), let ascii = character.asciiValue else { return nil }
            values.append(Int(ascii - 48))
        }
        return values
    }

    private static func isDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (48...57).contains(ascii)
    }

    /// (Σ dᵢ·wᵢ mod 11) mod 10 over the leading digits, one per weight.
    private static func innCheckDigit(_ d: [Int], weights: [Int]) -> Int {
        var sum = 0
        for (digit, weight) in zip(d, weights) { sum += digit * weight }
        return sum % 11 % 10
    }

    /// ОГРН and ОГРНИП: the last digit of (all digits but the last, as a number) mod `modulus`.
    private static func registrationNumberProblem(_ s: String, count: Int, modulus: Int) -> IdentifierProblem? {
        switch digits(of: s, count: count) {
        case .failure(let problem): return problem
        case .success(let d):
            let body = d.dropLast().reduce(0) { $0 * 10 + $1 }   // at most 14 digits: fits in Int
            return body % modulus % 10 == d[count - 1] ? nil : .checksum
        }
    }

    /// The Bank of Russia key rule over a 3-digit prefix taken from the БИК and the account.
    private static func accountKeyProblem(_ account: String, bik: String, prefix: ([Int]) -> [Int]) -> IdentifierProblem? {
        let accountDigits: [Int]
        switch digits(of: account, count: 20) {
        case .failure(let problem): return problem
        case .success(let d): accountDigits = d
        }
        let bikDigits: [Int]
        switch digits(of: bik, count: 9) {
        case .failure(let problem): return problem
        case .success(let d): bikDigits = d
        }
        let weights = [7, 1, 3]
        var sum = 0
        for (index, digit) in (prefix(bikDigits) + accountDigits).enumerated() {
            sum += digit * weights[index % 3] % 10
        }
        return sum % 10 == 0 ? nil : .checksum
    }
}

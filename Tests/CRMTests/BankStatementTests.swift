import JSONKit
import RussianFormats
import Testing
@testable import CRM

/// A 1CClientBankExchange file as a bank writes it, in lines (joined with CRLF by `bytes`).
enum BankFile {
    static func document(number: String, date: String = "20.11.2026", amount: String, payerAccount: String = "40802810500000000001",
                         payerINN: String = "500100732259", recipientAccount: String = "40702810801400016513", purpose: String,
                         received: String? = "21.11.2026") -> [String] {
        ["СекцияДокумент=Платежное поручение", "Номер=\(number)", "Дата=\(date)", "Сумма=\(amount)",
         "ПлательщикСчет=\(payerAccount)", "ПлательщикИНН=\(payerINN)", "Плательщик1=ИП Петров И. С.",
         "ПолучательСчет=\(recipientAccount)", "ПолучательИНН=7707083893", "Получатель1=ООО Видеосистемы"]
            + (received.map { ["ДатаПоступило=\($0)"] } ?? ["ДатаСписано=20.11.2026"])
            + ["НазначениеПлатежа=\(purpose)", "КонецДокумента"]
    }

    static func lines(_ documents: [[String]], encodingLine: String = "Кодировка=Windows") -> [String] {
        ["1CClientBankExchange", "ВерсияФормата=1.03", encodingLine, "Отправитель=Бухгалтерия", "ДатаНачала=20.11.2026",
         "ДатаКонца=21.11.2026", "РасчСчет=40702810801400016513", "Документ=Платежное поручение",
         "СекцияРасчСчет", "ДатаНачала=20.11.2026", "НачальныйОстаток=0.00", "КонецРасчСчет"]
            + documents.flatMap { $0 } + ["КонецФайла"]
    }

    static func bytes(_ lines: [String], _ encoding: BankStatement.Encoding, lineEnd: String = "\r\n") -> [UInt8] {
        let text = lines.joined(separator: lineEnd) + lineEnd
        switch encoding {
        case .utf8: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .windows1251: return LegacyEncoding.windows1251.encode(text)!
        case .cp866: return LegacyEncoding.cp866.encode(text)!
        }
    }
}

@Suite struct BankStatementTests {
    static let sample = BankFile.lines([
        BankFile.document(number: "118", amount: "31500.00", purpose: "Оплата по счету № 2026-00001 от 05.03.2026, в т.ч. НДС"),
        BankFile.document(number: "7", amount: "100", payerAccount: "40702810801400016513", recipientAccount: "40702810900000000777",
                          purpose: "Аренда за ноябрь", received: nil),
    ])

    @Test(arguments: [BankStatement.Encoding.windows1251, .cp866, .utf8])
    func readsEachEncodingTheSame(_ encoding: BankStatement.Encoding) throws {
        var lines = Self.sample
        if encoding == .cp866 { lines[2] = "Кодировка=DOS" }
        let statement = try BankStatement.parse(BankFile.bytes(lines, encoding))
        #expect(statement.encoding == encoding)
        #expect(statement.accounts == ["40702810801400016513"])
        #expect(statement.documents.count == 2)
        let first = try #require(statement.documents.first)
        #expect(first.number == "118" && first.date == "2026-11-20" && first.amount == 3_150_000)
        #expect(first.payerName == "ИП Петров И. С." && first.payerINN == "500100732259")
        #expect(first.purpose == "Оплата по счету № 2026-00001 от 05.03.2026, в т.ч. НДС")
        #expect(first.receivedOn == "2026-11-21" && first.recipientAccount == "40702810801400016513")
        #expect(statement.documents[1].amount == 10_000 && statement.documents[1].receivedOn == nil
                && statement.documents[1].writtenOffOn == "2026-11-20")
    }

    @Test func linesEndingInLFAloneReadAlike() throws {
        let crlf = try BankStatement.parse(BankFile.bytes(Self.sample, .windows1251))
        let lf = try BankStatement.parse(BankFile.bytes(Self.sample, .windows1251, lineEnd: "\n"))
        #expect(crlf == lf)
    }

    /// Spaces around keys, values and markers — tabs, no-break spaces, a stray CR at a line's
    /// end — are not part of them, in every encoding; an indented `Кодировка=DOS` still says DOS.
    @Test(arguments: [BankStatement.Encoding.windows1251, .cp866, .utf8])
    func spacesAroundAreTrimmed(_ encoding: BankStatement.Encoding) throws {
        var lines = BankFile.lines([BankFile.document(number: "15", amount: "9000.00", purpose: "Оплата по счету № 15")],
                                   encodingLine: encoding == .cp866 ? " \tКодировка=DOS " : "Кодировка=Windows")
        lines = lines.map { line in
            switch line {
            case "Номер=15": return "\tНомер = 15\u{00A0}"
            case "КонецДокумента": return "  КонецДокумента\r"
            case "НазначениеПлатежа=Оплата по счету № 15": return "НазначениеПлатежа = Оплата по счету № 15 (к=1)"
            case "1CClientBankExchange": return "\u{00A0}1CClientBankExchange"
            default: return line
            }
        }
        let statement = try BankStatement.parse(BankFile.bytes(lines, encoding))
        #expect(statement.encoding == encoding)
        #expect(statement.documents.map(\.number) == ["15"])
        #expect(statement.documents.first?.purpose == "Оплата по счету № 15 (к=1)")
        #expect(BankStatement.trimmed(" \t\u{00A0}a b\u{2009}") == "a b" && BankStatement.trimmed("\u{00A0} ") == "" && BankStatement.trimmed("") == "")
    }

    /// Keys are matched on their bytes, so the spaces only UTF-8 holds (an em space, an
    /// ideographic space) around a key are the case that decodes it as text: still trimmed. A
    /// key that merely starts like a known one is another key.
    @Test func wideSpacesAroundKeysInUTF8AndKeysThatOnlyStartAlike() throws {
        var lines = BankFile.lines([BankFile.document(number: "15", amount: "9000.00", purpose: "Оплата по счету № 15")])
        lines = lines.flatMap { line -> [String] in
            switch line {
            case "Номер=15": return ["Номер\u{2003}=15", "НомерДокумента=99", "СуммаПрописью=Девять тысяч рублей"]
            case "КонецДокумента": return ["\u{3000}КонецДокумента\u{205F}"]
            default: return [line]
            }
        }
        let statement = try BankStatement.parse(BankFile.bytes(lines, .utf8))
        #expect(statement.documents.map(\.number) == ["15"])
        #expect(statement.documents.map(\.amount) == [900_000])
    }

    @Test func cp866BytesWithoutSayingDOSAreNotReadAsCP866() throws {
        // The same bytes read as Windows-1251 give other letters: the header decides.
        let statement = try BankStatement.parse(BankFile.bytes(Self.sample.filter { !$0.hasPrefix("Кодировка") }, .windows1251))
        #expect(statement.encoding == .windows1251)
    }

    @Test func problemsSayTheirLine() {
        func problem(_ lines: [String]) -> BankStatement.Problem? {
            do { _ = try BankStatement.parse(BankFile.bytes(lines, .windows1251)); return nil } catch { return error }
        }
        #expect(problem(["<?xml version=\"1.0\"?>", "<КоммерческаяИнформация/>"])?.reason == "notBankExchange")
        #expect(problem(Array(Self.sample.dropLast()))?.reason == "noEndOfFile")
        var badAmount = Self.sample
        let amountLine = badAmount.firstIndex(of: "Сумма=31500.00")!
        badAmount[amountLine] = "Сумма=31 500,00"
        #expect(problem(badAmount) == BankStatement.Problem(reason: "amount", line: amountLine + 1,
                                                            message: "Сумма '31 500,00' is not a positive amount like 12354.00"))
        var badDate = Self.sample
        let dateLine = badDate.firstIndex(of: "Дата=20.11.2026")!
        badDate[dateLine] = "Дата=31.11.2026"
        #expect(problem(badDate)?.line == dateLine + 1 && problem(badDate)?.reason == "date")
        var unclosed = Self.sample
        let end = unclosed.firstIndex(of: "КонецДокумента")!
        unclosed.remove(at: end)
        #expect(problem(unclosed)?.reason == "unclosedDocument")
        #expect(problem(unclosed)?.line == unclosed.firstIndex(of: "СекцияДокумент=Платежное поручение")! + 1)
    }

    @Test func aBrokenUTF8FileAfterItsMarkIsRefused() {
        #expect(throws: BankStatement.Problem.self) { try BankStatement.parse([0xEF, 0xBB, 0xBF, 0xC3, 0x28]) }
    }
}

@Suite struct BankPaymentMatcherTests {
    typealias Key = PaymentMatcher.NumberKey

    @Test(arguments: [
        ("Оплата по счету № 2026-00015 от 20.11.2026", [Key(sequence: 15, year: 2026)]),
        ("Оплата по сч.15 за камеры", [Key(sequence: 15, year: nil)]),
        ("оплата по сч 2026-15", [Key(sequence: 15, year: 2026)]),
        ("Оплата по счёт-оферте №15 от 01.12.2026 НДС не облагается", [Key(sequence: 15, year: 2026)]),
        ("Оплата по счету на оплату N 17", [Key(sequence: 17, year: nil)]),
        ("По договору № 12 от 01.02.2026, расчет за ноябрь", []),
        ("Счет 3, счёт 4", [Key(sequence: 3, year: nil), Key(sequence: 4, year: nil)]),
    ])
    func findsInvoiceNumbersInAPurpose(_ purpose: String, _ expected: [Key]) {
        #expect(PaymentMatcher.numbers(in: purpose) == expected)
    }

    /// A purpose is read folded (`TextFolding`): «СЧЁТ» names an invoice as «счет» does.
    @Test func readsAPurposeInAnyCase() {
        #expect(PaymentMatcher.numbers(in: "ОПЛАТА ПО СЧЁТУ №15") == [Key(sequence: 15, year: nil)])
        #expect(PaymentMatcher.numbers(in: "СЧ") == [] && PaymentMatcher.numbers(in: "") == [])
    }

    @Test func readsAnInvoiceNumberWithItsFormat() {
        #expect(PaymentMatcher.NumberFormat("{YYYY}-{N:5}").key(ofInvoice: "2026-00015", date: "2026-11-20") == Key(sequence: 15, year: 2026))
        #expect(PaymentMatcher.NumberFormat("СЧ-{N:4}/{YY}").key(ofInvoice: "СЧ-0015/26", date: "2026-11-20") == Key(sequence: 15, year: 2026))
        #expect(PaymentMatcher.NumberFormat("{N}").key(ofInvoice: "42", date: "2026-11-20") == Key(sequence: 42, year: nil))
    }

    static let invoices = [
        PaymentMatcher.Invoice(id: 1, number: "2026-00015", date: "2026-11-20", payerINN: "500100732259", due: 3_150_000),
        PaymentMatcher.Invoice(id: 2, number: "2025-00015", date: "2025-03-01", payerINN: "7736207543", due: 3_150_000),
        PaymentMatcher.Invoice(id: 3, number: "2026-00016", date: "2026-11-21", payerINN: "500100732259", due: 100_000),
    ]

    @Test func aNumberWithTheINNOrTheAmountDueIsAppliedWhenUnique() {
        let byNumber = PaymentMatcher.match(purpose: "Оплата по счету № 2026-00015", payerINN: "500100732259", amount: 1_000_000,
                                            invoices: Self.invoices, format: "{YYYY}-{N:5}")
        #expect(byNumber.apply?.id == 1)
        #expect(byNumber.candidates.first?.reasons == ["number", "inn"])
        // «сч.15» names both years' invoice 15; only one is the payer's.
        let short = PaymentMatcher.match(purpose: "сч.15", payerINN: "500100732259", amount: 500_000, invoices: Self.invoices, format: "{YYYY}-{N:5}")
        #expect(short.apply?.id == 1)
        #expect(short.candidates.map(\.invoice.id) == [1, 2, 3])
        // Another payer paying the whole amount of «сч.15»: both invoices 15 match by number and amount, so neither is applied.
        let ambiguous = PaymentMatcher.match(purpose: "сч.15", payerINN: "7801234567", amount: 3_150_000, invoices: Self.invoices,
                                             format: "{YYYY}-{N:5}")
        #expect(ambiguous.apply == nil && ambiguous.candidates.count == 2)
    }

    @Test func noConfidentMatchWithoutTheNumberOrPastWhatIsDue() {
        let innOnly = PaymentMatcher.match(purpose: "Оплата за камеры", payerINN: "500100732259", amount: 100_000, invoices: Self.invoices,
                                           format: "{YYYY}-{N:5}")
        #expect(innOnly.apply == nil)
        #expect(innOnly.candidates.first?.invoice.id == 3 && innOnly.candidates.first?.reasons == ["inn", "amount"])
        let tooMuch = PaymentMatcher.match(purpose: "по сч 2026-16", payerINN: "500100732259", amount: 100_001, invoices: Self.invoices,
                                           format: "{YYYY}-{N:5}")
        #expect(tooMuch.apply == nil && tooMuch.candidates.first?.invoice.id == 3)
    }
}

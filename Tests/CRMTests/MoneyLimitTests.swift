import JSONKit
import Testing
@testable import CRM

/// The limits of money (issue 9): every amount within 9 999 999 999 999.99, every quantity
/// within 999 999 999 999.999; at the limit it works, one kopeck (or one thousandth) past it is
/// refused as too large, and no arithmetic on what a call gives can trap or be cut.
@Suite struct MoneyLimitTests {
    static let maximum = "9999999999999.99"
    static let onePast = "10000000000000.00"

    func line(_ price: Int64, _ quantity: Int64 = 1000, rate: VATRate = .r22, included: Bool = true,
              discount: InvoiceLine.Discount? = nil) throws(AmountTooLarge) -> InvoiceLine {
        try InvoiceLine(productID: nil, name: "x", price: price, quantity: quantity, unit: .piece, discount: discount,
                        vatRate: rate, vatIncluded: included)
    }

    // MARK: Parsing

    @Test func amountsUpToTheMaximumParseAndOnePastIsTooLarge() throws {
        #expect(try Money.amount(Self.maximum, field: "price") == Money.maximum)
        #expect(try Money.amount("-" + Self.maximum, field: "x", allowNegative: true) == -Money.maximum)
        #expect(try Money.amount("0000" + Self.maximum, field: "price") == Money.maximum)
        for tooLarge in [Self.onePast, "10000000000000", "-10000000000000", "9223372036854775807", "9223372036854775808",
                         String(repeating: "9", count: 400) + ".99"] {
            #expect(throws: CRMError.amountTooLarge(field: "price")) { try Money.amount(tooLarge, field: "price", allowNegative: true) }
        }
        // A malformed amount is still a format problem, however long.
        #expect(throws: CRMError.invalidValue(field: "price", reason: "format", message: "price is an amount with at most two decimals")) {
            try Money.amount(String(repeating: "9", count: 30) + ".999", field: "price")
        }
        #expect(try DecimalScaled.parse("999999999999.999", scale: 3, maximum: InvoiceLine.maximumQuantity) == InvoiceLine.maximumQuantity)
        #expect(throws: DecimalScaled.Refusal.tooLarge) {
            try DecimalScaled.parse("1000000000000", scale: 3, maximum: InvoiceLine.maximumQuantity)
        }
    }

    // MARK: Lines and totals

    @Test func aLineAtTheMaximumIsExactAndOneKopeckMoreIsTooLarge() throws {
        let top = try line(Money.maximum)
        #expect(top.gross == Money.maximum && top.total == Money.maximum)
        #expect(top.vat == 180_327_868_852_459)          // 22/122 of the maximum, half-up
        // 0.001 of a unit more: price × 1.001 passes the maximum.
        #expect(throws: AmountTooLarge(what: "row amount")) { try line(Money.maximum, 1001) }
        // VAT on top of a line at the maximum passes it; inside the price it does not.
        #expect(throws: AmountTooLarge(what: "row total with VAT")) { try line(Money.maximum, included: false) }
        #expect(try line(Money.maximum, included: false, discount: .percent(1_804)).total <= Money.maximum)
        // The largest price that with 22 % on top still fits.
        let onTop = Money.maximum * 100 / 122
        #expect(try line(onTop, included: false).total == Money.maximum)
        #expect(throws: AmountTooLarge(what: "row total with VAT")) { try line(onTop + 1, included: false) }
    }

    @Test func theIssueRowIsRefusedNotCapped() {
        // 9 999 999 999 999.99 × 1 000 000 000: 10²⁴ kopecks, far past Int64; refused, never cut to Int64.max.
        #expect(throws: AmountTooLarge(what: "row amount")) { try line(Money.maximum, 1_000_000_000_000) }
        #expect(throws: AmountTooLarge(what: "row amount")) { try line(Money.maximum, InvoiceLine.maximumQuantity) }
        #expect(throws: AmountTooLarge.self) { try line(.max, .max) }
    }

    @Test func totalsAddUpToTheMaximumAndNoFurther() throws {
        let half = Money.maximum / 2
        let exact = try InvoiceTotals([line(half), line(Money.maximum - half)])
        #expect(exact.total == Money.maximum && exact.subtotal == Money.maximum)
        #expect(throws: AmountTooLarge(what: "sum of the rows")) { try InvoiceTotals([line(half), line(Money.maximum - half + 1)]) }
        #expect(throws: AmountTooLarge(what: "sum of the rows")) { try InvoiceTotals([line(Money.maximum), line(Money.maximum)]) }
        // Five hundred rows at the maximum: every sum is checked, none wraps.
        let many = try Array(repeating: line(Money.maximum), count: 500)
        #expect(throws: AmountTooLarge.self) { try InvoiceTotals(many) }
        // The subtotal before discounts must fit too, even when the total after them does.
        let discounted = try line(Money.maximum, discount: .percent(5_000))
        #expect(throws: AmountTooLarge(what: "sum of the rows")) { try InvoiceTotals([discounted, discounted]) }
    }

    // MARK: Through the services

    func deal(_ fixture: CRMFixture) throws -> JSON {
        try fixture.crm.records(.deal).add(fields: ["title": "Крупная сделка"], idempotencyKey: nil, by: .user(1))
    }

    func state(_ fixture: CRMFixture, _ dealID: Int64) throws -> [JSON] {
        [try fixture.crm.productRows.get(dealID: dealID), try fixture.crm.records(.deal).get(dealID)]
    }

    @Test func theIssueCallIsRefusedAndChangesNothing() throws {
        let fixture = try CRMFixture()
        let deal = try deal(fixture)
        _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [["name": "Было", "price": "100"]], by: .user(1))
        let before = try state(fixture, deal.id)
        let huge: JSON = ["name": "Много", "price": "9999999999999.99", "quantity": "1000000000"]
        for rows in [[huge, huge], [huge], [["name": "a", "price": .string(Self.maximum)], ["name": "b", "price": "0.01"]]] {
            #expect(throws: CRMError.self) { try fixture.crm.productRows.set(dealID: deal.id, rows: rows, by: .user(1)) }
        }
        do {
            _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [huge, huge], by: .user(1))
        } catch CRMError.invalidValue(let field, let reason, _) {
            #expect(field == "rows.0" && reason == "tooLarge")
        }
        do {
            _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [["name": "a", "price": .string(Self.maximum)], ["name": "b", "price": "0.01"]],
                                                by: .user(1))
        } catch CRMError.invalidValue(let field, let reason, _) {
            #expect(field == "rows" && reason == "tooLarge")
        }
        #expect(try state(fixture, deal.id) == before)
    }

    @Test func inputsPastTheirLimitSayTooLargeAndNameTheField() throws {
        let fixture = try CRMFixture()
        let deal = try deal(fixture)
        let cases: [(JSON, String)] = [
            (["name": "x", "price": .string(Self.onePast)], "rows.0.price"),
            (["name": "x", "price": "1", "quantity": "1000000000000"], "rows.0.quantity"),
            (["name": "x", "price": "1", "discount": ["type": "amount", "value": .string(Self.onePast)]], "rows.0.discount"),
            (["name": "x", "price": "1", "discount": ["type": "percent", "value": "100.01"]], "rows.0.discount"),
        ]
        for (row, field) in cases {
            do {
                _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [row], by: .user(1))
                Issue.record("\(row) was accepted")
            } catch CRMError.invalidValue(let refused, let reason, _) {
                #expect(refused == field && reason == "tooLarge", "\(row)")
            }
        }
        // A product priced past the maximum is refused where the price is given.
        do {
            _ = try fixture.crm.records(.product).add(fields: ["name": "x", "price": .string(Self.onePast)], idempotencyKey: nil, by: .user(1))
            Issue.record("the product was accepted")
        } catch CRMError.invalidValue(let field, let reason, _) {
            #expect(field == "price" && reason == "tooLarge")
        }
        #expect(throws: CRMError.amountTooLarge(field: "opportunity")) {
            try fixture.crm.records(.deal).update(id: deal.id, fields: ["opportunity": .string(Self.onePast)], expectedVersion: nil, by: .user(1))
        }
    }

    @Test func rowsAtTheLimitsGiveExactTotals() throws {
        let fixture = try CRMFixture()
        let deal = try deal(fixture)
        let result = try fixture.crm.productRows.set(dealID: deal.id, rows: [
            ["name": "Дорого", "price": .string(Self.maximum), "vatRate": "none"],
        ], by: .user(1))
        #expect(result["totals"]?["total"] == .string(Self.maximum))
        #expect(try fixture.crm.records(.deal).get(deal.id)["opportunity"] == .string(Self.maximum))
        let many = try fixture.crm.productRows.set(dealID: deal.id, rows: [
            ["name": "Штучно", "price": "0.01", "quantity": "999999999999.999"],
            ["name": "Остальное", "price": "9989999999999.99"],
        ], by: .user(1))
        #expect(many["rows"]?.arrayValue?.first?["sum"] == "10000000000.00")      // 0.01 × 999 999 999 999.999 = 9 999 999 999.99999 → 10 000 000 000.00
        #expect(many["totals"]?["total"] == .string(Self.maximum))
    }

    @Test func paymentsAndFiltersStayWithinTheLimit() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [["name": "Всё", "price": .string(Self.maximum)]], by: .user(1))
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
        #expect(invoice["total"] == .string(Self.maximum))
        #expect(throws: CRMError.amountTooLarge(field: "amount")) {
            try fixture.crm.invoices.addPayment(id: invoice.id, amount: Self.onePast, date: "2026-03-06", reference: nil, by: .user(1))
        }
        _ = try fixture.crm.invoices.addPayment(id: invoice.id, amount: "0.01", date: "2026-03-06", reference: nil, by: .user(1))
        do {
            _ = try fixture.crm.invoices.addPayment(id: invoice.id, amount: Self.maximum, date: "2026-03-06", reference: nil, by: .user(1))
            Issue.record("an overpayment was accepted")
        } catch CRMError.invalidValue(let field, let reason, _) {
            #expect(field == "amount" && reason == "overpayment")
        }
        let paid = try fixture.crm.invoices.addPayment(id: invoice.id, amount: "9999999999999.98", date: "2026-03-06", reference: nil, by: .user(1))
        #expect(paid["status"] == "paid" && paid["paid"] == .string(Self.maximum) && paid["due"] == "0.00")

        var request = ListRequest()
        request.filter = [">=opportunity": .string(Self.maximum)]
        #expect(try fixture.crm.records(.deal).list(request)["items"]?.arrayValue?.map(\.id) == [deal.id])
        request.filter = ["<total": .string(Self.onePast)]
        #expect(throws: CRMError.amountTooLarge(field: "filter.<total")) { try fixture.crm.invoices.list(request) }
        request.filter = ["@opportunity": ["1", "99999999999999999999999"]]
        #expect(throws: CRMError.amountTooLarge(field: "filter.@opportunity")) { try fixture.crm.records(.deal).list(request) }
    }

    /// Rows kept before the limits whose sum passes them: reading them says so (1007 on
    /// `productRows`) and no invoice is made of them, but setting new rows replaces them.
    @Test func rowsKeptBeforeTheLimitsCanBeReplaced() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let row = ProductRowService.stored(try line(Money.maximum)).text
        try fixture.crm.pool.write { db in
            try db.execute("DELETE FROM deal_product_rows WHERE deal_id = ?", [.integer(deal.id)])
            for position in 0..<2 {
                try db.execute("INSERT INTO deal_product_rows (deal_id, position, row) VALUES (?, ?, ?)",
                               [.integer(deal.id), .integer(Int64(position)), .text(row)])
            }
        }
        #expect(throws: CRMError.amountTooLarge(field: "productRows", AmountTooLarge(what: "sum of the rows"))) {
            try fixture.crm.productRows.get(dealID: deal.id)
        }
        #expect(throws: CRMError.amountTooLarge(field: "productRows", AmountTooLarge(what: "sum of the rows"))) {
            try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        }
        let replaced = try fixture.crm.productRows.set(dealID: deal.id, rows: [["name": "Заново", "price": "10"]], by: .user(1))
        #expect(replaced["totals"]?["total"] == "10.00")
    }
}

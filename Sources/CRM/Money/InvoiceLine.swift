import JSONKit

/// One row of goods or services with its amounts computed the way 1C computes them: the line
/// amount rounded half-up to kopecks, the discount taken from it, VAT per line (inside the
/// price or on top) rounded half-up, document totals as sums of the lines — so crmd's totals
/// reconcile with the accountant's to the kopeck (REFERENCE-ru.md, "VAT").
///
/// The amounts are computed once, when the line is made, and every one of them is within
/// `Money.maximum`: a line whose amount or total would pass it is never made.
package struct InvoiceLine: Sendable, Equatable {
    package enum Discount: Sendable, Equatable {
        /// Percent in hundredths (12.5 % → 1250).
        case percent(Int64)
        case amount(Int64)
    }

    /// The largest quantity in thousandths: 999 999 999 999.999, 1C's quantity type Число(15, 3).
    package static let maximumQuantity: Int64 = 999_999_999_999_999
    /// `maximumQuantity` as the API writes it.
    package static let maximumQuantityText = "999999999999.999"

    package let productID: Int64?
    package let name: String
    /// Price per unit in kopecks.
    package let price: Int64
    /// Quantity in thousandths (1.5 → 1500).
    package let quantity: Int64
    package let unit: Unit
    package let discount: Discount?
    package let vatRate: VATRate
    package let vatIncluded: Bool

    /// price × quantity, before the discount.
    package let gross: Int64
    package let discountAmount: Int64
    /// The line amount as printed in the "Сумма" column: after the discount, VAT as priced.
    package let sum: Int64
    package let vat: Int64
    /// What the buyer pays for this line.
    package let total: Int64

    /// Computes the amounts; `AmountTooLarge` when the line amount (price × quantity) or its
    /// total with VAT on top passes `Money.maximum`. Price, quantity and an amount discount are
    /// non-negative (the callers check them); a product of two `Int64` always fits `Int128`.
    package init(productID: Int64?, name: String, price: Int64, quantity: Int64, unit: Unit, discount: Discount?,
                 vatRate: VATRate, vatIncluded: Bool) throws(AmountTooLarge) {
        self.productID = productID
        self.name = name
        self.price = price
        self.quantity = quantity
        self.unit = unit
        self.discount = discount
        self.vatRate = vatRate
        self.vatIncluded = vatIncluded
        gross = try Money.fitting(DecimalScaled.divideRounded(Int128(price) * Int128(quantity), 1000), "row amount")
        discountAmount = switch discount {
        case .percent(let hundredths)?: try Money.fitting(DecimalScaled.divideRounded(Int128(gross) * Int128(hundredths), 10_000), "discount")
        case .amount(let kopecks)?: min(kopecks, gross)
        case nil: 0
        }
        sum = gross - discountAmount
        let rate = Int128(vatRate.percent)
        vat = try Money.fitting(vatIncluded ? DecimalScaled.divideRounded(Int128(sum) * rate, 100 + rate)
                                            : DecimalScaled.divideRounded(Int128(sum) * rate, 100), "VAT")
        total = try vatIncluded ? sum : Money.sum(sum, vat, "row total with VAT")
    }
}

/// Document totals: sums of the lines, each within `Money.maximum`.
package struct InvoiceTotals: Sendable, Equatable {
    package var subtotal: Int64 = 0
    package var discount: Int64 = 0
    package var vat: Int64 = 0
    package var total: Int64 = 0
    /// Whether every line has VAT inside its price (the invoice prints «В том числе НДС»), on top («Сумма НДС») or none.
    package var vatMode: String = "none"

    /// The sums; `AmountTooLarge` when one of them passes `Money.maximum`.
    package init(_ lines: [InvoiceLine]) throws(AmountTooLarge) {
        for line in lines {
            subtotal = try Money.sum(subtotal, line.gross, "sum of the rows")
            discount = try Money.sum(discount, line.discountAmount, "sum of the discounts")
            vat = try Money.sum(vat, line.vat, "sum of VAT")
            total = try Money.sum(total, line.total, "total")
        }
        let taxed = lines.filter { $0.vatRate != .none && $0.vatRate != .r0 }
        if taxed.isEmpty { vatMode = "none" } else if taxed.allSatisfy(\.vatIncluded) { vatMode = "included" } else { vatMode = "onTop" }
    }

    /// The totals of rows already kept (a deal's product rows): one past the maximum is 1007
    /// `tooLarge` on `field`, so a document is never made from a total that does not fit.
    package static func of(_ lines: [InvoiceLine], field: String) throws(CRMError) -> InvoiceTotals {
        do throws(AmountTooLarge) {
            return try InvoiceTotals(lines)
        } catch {
            throw CRMError.amountTooLarge(field: field, error)
        }
    }

    package func json(currency: String) -> JSON {
        ["subtotal": .string(DecimalScaled.format(subtotal, scale: 2)), "discount": .string(DecimalScaled.format(discount, scale: 2)),
         "vat": .string(DecimalScaled.format(vat, scale: 2)), "total": .string(DecimalScaled.format(total, scale: 2)),
         "currency": .string(currency), "vatMode": .string(vatMode)]
    }
}

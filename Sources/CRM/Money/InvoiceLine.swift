import JSONKit

/// One row of goods or services with its amounts computed the way 1C computes them: the line
/// amount rounded half-up to kopecks, the discount taken from it, VAT per line (inside the
/// price or on top) rounded half-up, document totals as sums of the lines — so crmd's totals
/// reconcile with the accountant's to the kopeck (REFERENCE-ru.md, "VAT").
package struct InvoiceLine: Sendable, Equatable {
    package enum Discount: Sendable, Equatable {
        /// Percent in hundredths (12.5 % → 1250).
        case percent(Int64)
        case amount(Int64)
    }

    package var productID: Int64?
    package var name: String
    /// Price per unit in kopecks.
    package var price: Int64
    /// Quantity in thousandths (1.5 → 1500).
    package var quantity: Int64
    package var unit: Unit
    package var discount: Discount?
    package var vatRate: VATRate
    package var vatIncluded: Bool

    /// price × quantity, before the discount.
    package var gross: Int64 { DecimalScaled.divideRounded(Int128(price) * Int128(quantity), 1000) }

    package var discountAmount: Int64 {
        switch discount {
        case .percent(let hundredths)?: DecimalScaled.divideRounded(Int128(gross) * Int128(hundredths), 10_000)
        case .amount(let kopecks)?: min(kopecks, gross)
        case nil: 0
        }
    }

    /// The line amount as printed in the "Сумма" column: after the discount, VAT as priced.
    package var sum: Int64 { gross - discountAmount }

    package var vat: Int64 {
        let rate = vatRate.percent
        if rate == 0 { return 0 }
        return vatIncluded
            ? DecimalScaled.divideRounded(Int128(sum) * Int128(rate), Int128(100 + rate))
            : DecimalScaled.divideRounded(Int128(sum) * Int128(rate), 100)
    }

    /// What the buyer pays for this line.
    package var total: Int64 { vatIncluded ? sum : sum + vat }
}

/// Document totals: sums of the lines.
package struct InvoiceTotals: Sendable, Equatable {
    package var subtotal: Int64 = 0
    package var discount: Int64 = 0
    package var vat: Int64 = 0
    package var total: Int64 = 0
    /// Whether every line has VAT inside its price (the invoice prints «В том числе НДС»), on top («Сумма НДС») or none.
    package var vatMode: String = "none"

    package init(_ lines: [InvoiceLine]) {
        for line in lines {
            subtotal += line.gross
            discount += line.discountAmount
            vat += line.vat
            total += line.total
        }
        let taxed = lines.filter { $0.vatRate != .none && $0.vatRate != .r0 }
        if taxed.isEmpty { vatMode = "none" } else if taxed.allSatisfy(\.vatIncluded) { vatMode = "included" } else { vatMode = "onTop" }
    }

    package func json(currency: String) -> JSON {
        ["subtotal": .string(DecimalScaled.format(subtotal, scale: 2)), "discount": .string(DecimalScaled.format(discount, scale: 2)),
         "vat": .string(DecimalScaled.format(vat, scale: 2)), "total": .string(DecimalScaled.format(total, scale: 2)),
         "currency": .string(currency), "vatMode": .string(vatMode)]
    }
}

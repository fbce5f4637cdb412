import JSONKit
import Storage

/// The goods and services of a deal (`deal.productRows.set/get`, S19) with exact totals; the
/// deal's `opportunity` follows the rows.
package struct ProductRowService: Sendable {
    let crm: CRM

    package func set(dealID: Int64, rows: [JSON], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            try RecordService.requireExists(db, EntityDescriptor.deal, dealID)
            try AccessService.require(caller.access, .update, RecordRef(.deal, dealID), db)
            let settings = try SettingsService.load(db)
            let lines = try rows.enumerated().map { index, row in try Self.line(db, row, path: "rows.\(index)", settings: settings) }
            let totals = try InvoiceTotals.of(lines, field: "rows")
            let before = try ProductRowStore.lines(db, dealID)
            // Rows kept before the limits may add up past them: they are being replaced, so their total is only told if it fits.
            let beforeTotals = try? InvoiceTotals(before)
            try ProductRowStore.replace(db, dealID: dealID, with: lines)
            try crm.apply(Change(.productRows, id: .int(dealID), .updated, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "productRows", old: Self.summary(before, beforeTotals),
                                                      new: Self.summary(lines, totals))],
                                 owner: RecordRef(.deal, dealID)), in: db)
            _ = try crm.records(.deal).change(db, id: dealID, fields: ["opportunity": .string(DecimalScaled.format(totals.total, scale: 2))],
                                              by: caller)
            return Self.json(lines, totals, currency: try Self.currency(db, dealID))
        }
    }

    package func get(dealID: Int64) throws -> JSON {
        try crm.pool.read { db in
            try RecordService.requireExists(db, EntityDescriptor.deal, dealID)
            let lines = try ProductRowStore.lines(db, dealID)
            return Self.json(lines, try InvoiceTotals.of(lines, field: "productRows"), currency: try Self.currency(db, dealID))
        }
    }

    /// How a set of rows is told in a change: how many, and their total (null if it does not fit the limit).
    static func summary(_ lines: [InvoiceLine], _ totals: InvoiceTotals?) -> JSON {
        ["count": .int(lines.count), "total": totals.map { .string(DecimalScaled.format($0.total, scale: 2)) } ?? .null]
    }

    static func currency(_ db: Database, _ dealID: Int64) throws -> String {
        guard let currency = try ProductRowStore.currency(db, dealID: dealID) else { throw CRMError.notFound("deal", dealID) }
        return currency
    }

    /// `{rows, totals}` with every computed amount as a decimal string.
    static func json(_ lines: [InvoiceLine], _ totals: InvoiceTotals, currency: String) -> JSON {
        ["rows": .array(lines.map(rowJSON)), "totals": totals.json(currency: currency)]
    }

    static func rowJSON(_ line: InvoiceLine) -> JSON {
        var row = stored(line).objectValue ?? [:]
        row["discountAmount"] = .string(DecimalScaled.format(line.discountAmount, scale: 2))
        row["vat"] = .string(DecimalScaled.format(line.vat, scale: 2))
        row["sum"] = .string(DecimalScaled.format(line.sum, scale: 2))
        row["total"] = .string(DecimalScaled.format(line.total, scale: 2))
        return .object(row)
    }

    /// A row as kept: what was given, normalized.
    static func stored(_ line: InvoiceLine) -> JSON {
        let discount: JSON = switch line.discount {
        case .percent(let hundredths)?: ["type": "percent", "value": .string(DecimalScaled.format(hundredths, scale: 2, trimZeros: true))]
        case .amount(let kopecks)?: ["type": "amount", "value": .string(DecimalScaled.format(kopecks, scale: 2))]
        case nil: .null
        }
        return [
            "productId": line.productID.map(JSON.int) ?? .null, "name": .string(line.name),
            "price": .string(DecimalScaled.format(line.price, scale: 2)),
            "quantity": .string(DecimalScaled.format(line.quantity, scale: 3, trimZeros: true)), "unit": line.unit.json,
            "discount": discount, "vatRate": .string(line.vatRate.rawValue), "vatIncluded": .bool(line.vatIncluded),
        ]
    }

    /// A row as `stored` writes it. Anything missing or not as written throws (`StoredData.Problem`
    /// or the 1007 of the value's own check), for the reader to report as unreadable stored data:
    /// a row is never dropped nor given a default unit, discount or VAT mode.
    static func restore(_ json: JSON) throws -> InvoiceLine {
        guard let name = json["name"]?.stringValue else { throw StoredData.Problem("row.name: missing") }
        guard let price = json["price"]?.stringValue.flatMap({ try? DecimalScaled.parse($0, scale: 2, maximum: Money.maximum) }),
              price >= 0 else {
            throw StoredData.Problem("row.price: not an amount")
        }
        guard let quantity = json["quantity"]?.stringValue.flatMap({ try? DecimalScaled.parse($0, scale: 3, maximum: InvoiceLine.maximumQuantity) }),
              quantity > 0 else {
            throw StoredData.Problem("row.quantity: not a quantity")
        }
        guard let rateText = json["vatRate"]?.stringValue else { throw StoredData.Problem("row.vatRate: missing") }
        let rate = try StoredData.enumCase(rateText, "row.vatRate", as: VATRate.self)
        guard let unit = json["unit"], unit != .null else { throw StoredData.Problem("row.unit: missing") }
        guard let vatIncluded = json["vatIncluded"]?.boolValue else { throw StoredData.Problem("row.vatIncluded: missing or not a boolean") }
        let productID = json["productId"] ?? .null
        guard productID == .null || productID.int64Value != nil else { throw StoredData.Problem("row.productId: not an id") }
        return try InvoiceLine(productID: productID.int64Value, name: name, price: price, quantity: quantity,
                           unit: try Unit.from(unit, field: "row.unit"), discount: try discount(json["discount"], path: "row.discount"),
                           vatRate: rate, vatIncluded: vatIncluded)
    }

    /// A row from the API, with the product's values for whatever the row leaves out.
    static func line(_ db: Database, _ row: JSON, path: String, settings: [String: JSON]) throws -> InvoiceLine {
        var product: JSON?
        if let productID = row["productId"]?.int64Value {
            guard let found = try RecordService.loadJSON(db, EntityDescriptor.product, productID) else {
                throw CRMError.invalidValue(field: path + ".productId", reason: "notFound", message: "no product with id \(productID)")
            }
            product = found
        }
        func value(_ key: String) -> JSON? {
            if let given = row[key], given != .null { return given }
            if let known = product?[key], known != .null { return known }
            return nil
        }
        guard let name = value("name")?.stringValue, !name.isEmpty else {
            throw CRMError.invalidValue(field: path + ".name", reason: "required", message: "a row needs a name or a product")
        }
        guard let priceText = decimal(value("price")) else {
            throw CRMError.invalidValue(field: path + ".price", reason: "format", message: "a price is a non-negative amount with at most two decimals")
        }
        let price = try Money.amount(priceText, field: path + ".price")
        let quantity = try Self.quantity(decimal(row["quantity"]) ?? "1", field: path + ".quantity")
        let rateText = value("vatRate")?.stringValue ?? settings["defaultVatRate"]?.stringValue ?? "22"
        guard let rate = VATRate(rawValue: rateText) else {
            throw CRMError.invalidValue(field: path + ".vatRate", reason: "option", message: "unknown VAT rate \(rateText)")
        }
        let line: InvoiceLine
        do {
            line = try InvoiceLine(productID: product?["id"]?.int64Value, name: name, price: price, quantity: quantity,
                                   unit: try Unit.from(value("unit"), field: path + ".unit"),
                                   discount: try discount(row["discount"], path: path + ".discount"), vatRate: rate,
                                   vatIncluded: value("vatIncluded")?.boolValue ?? true)
        } catch let problem as AmountTooLarge {
            throw CRMError.amountTooLarge(field: path, problem)
        }
        if case .amount(let kopecks)? = line.discount, kopecks > line.gross {
            throw CRMError.invalidValue(field: path + ".discount", reason: "tooLarge", message: "the discount exceeds the line amount")
        }
        return line
    }

    private static func discount(_ json: JSON?, path: String) throws(CRMError) -> InvoiceLine.Discount? {
        guard let json, json != .null else { return nil }
        let text = decimal(json["value"]) ?? ""
        switch json["type"]?.stringValue {
        case "percent":
            do throws(DecimalScaled.Refusal) {
                let hundredths = try DecimalScaled.parse(text, scale: 2, maximum: 10_000)
                guard hundredths >= 0 else { throw .format }
                return .percent(hundredths)
            } catch .tooLarge {
                throw CRMError.invalidValue(field: path, reason: "tooLarge", message: "a percent discount is at most 100")
            } catch {
                throw CRMError.invalidValue(field: path, reason: "format", message: "a percent discount is 0 to 100 with at most two decimals")
            }
        case "amount":
            return .amount(try Money.amount(text, field: path))
        default:
            throw CRMError.invalidValue(field: path, reason: "option", message: "a discount is {type: percent|amount, value}")
        }
    }

    /// A row's quantity in thousandths: positive, at most three decimals (1007 `format`), at
    /// most `InvoiceLine.maximumQuantity` (1007 `tooLarge`).
    private static func quantity(_ text: String, field: String) throws(CRMError) -> Int64 {
        do throws(DecimalScaled.Refusal) {
            let quantity = try DecimalScaled.parse(text, scale: 3, maximum: InvoiceLine.maximumQuantity)
            guard quantity > 0 else { throw .format }
            return quantity
        } catch .tooLarge {
            throw CRMError.invalidValue(field: field, reason: "tooLarge", message: "a quantity is at most \(InvoiceLine.maximumQuantityText)")
        } catch {
            throw CRMError.invalidValue(field: field, reason: "format", message: "a quantity is positive with at most three decimals")
        }
    }

    private static func decimal(_ json: JSON?) -> String? {
        switch json {
        case .string(let text)?: text
        case .number(let number)?: number.text.contains(where: { $0 == "e" || $0 == "E" }) ? nil : number.text
        default: nil
        }
    }
}

extension CRM {
    package var productRows: ProductRowService { ProductRowService(crm: self) }
}

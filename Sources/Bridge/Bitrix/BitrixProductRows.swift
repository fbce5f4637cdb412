import JSONKit

/// `crm.deal.productrows.set/get` over crmd's `deal.productRows.set/get`. A row's `PRICE` is read
/// and written as crmd keeps it: the unit price before the discount, VAT inside it when
/// `TAX_INCLUDED` is `Y` and on top when `N`. (Bitrix24's own `PRICE` is the price after the
/// discount with VAT, which it derives; the facade does not derive prices, so a row with a
/// discount or VAT on top reads back with crmd's price.) A discount is `DISCOUNT_TYPE_ID` 2
/// with `DISCOUNT_RATE` (percent) or 1 with `DISCOUNT_SUM` (money off each unit). `TAX_RATE`
/// is crmd's VAT rate in percent, empty for «без НДС».
struct BitrixProductRows {
    let session: BitrixSession

    func run(_ verb: String, _ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        switch verb {
        case "set":
            let id = try parameters.recordID()
            var rows: [JSON] = []
            let given: [JSON]
            switch parameters["rows"] {
            case .array(let list)?: given = list
            case .object(let map)?: given = map.keys.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }.compactMap { map[$0] }
            case nil, .null?: given = []
            default: throw .core("rows must be a list")
            }
            for (index, row) in given.enumerated() { rows.append(try crmdRow(row, index: index)) }
            _ = try session.call("deal.productRows.set", ["id": .int(id), "rows": .array(rows)], entity: .deal)
            return BitrixReply(result: true)
        case "get":
            let id = try parameters.recordID()
            let result = try session.call("deal.productRows.get", ["id": .int(id)], entity: .deal)
            let rows = (result["rows"]?.arrayValue ?? []).enumerated().map { bitrixRow($1, index: $0, dealID: id) }
            return BitrixReply(result: .array(rows))
        default:
            throw .methodNotFound
        }
    }

    private func crmdRow(_ row: JSON, index: Int) throws(BitrixError) -> JSON {
        guard case .object(let map) = row else { throw .core("rows[\(index)] must be an object") }
        func bad(_ name: String, _ what: String) -> BitrixError { .core("rows[\(index)][\(name)]: \(what) expected") }
        var out: [String: JSON] = [:]
        for (rawName, value) in map {
            let name = rawName.uppercased()
            switch name {
            case "PRODUCT_ID":
                if let id = BitrixValue.id(value) { out["productId"] = .int(id) }
            case "PRODUCT_NAME":
                if let text = BitrixValue.text(value), !text.isEmpty { out["name"] = .string(text) }
            case "PRICE":
                guard let price = BitrixValue.decimal(value) else { throw bad(name, "a decimal amount") }
                out["price"] = .string(price)
            case "QUANTITY":
                guard let quantity = BitrixValue.decimal(value) else { throw bad(name, "a decimal quantity") }
                out["quantity"] = .string(quantity)
            case "TAX_RATE":
                let text = BitrixValue.text(value) ?? ""
                if text.isEmpty || value.isNull {
                    out["vatRate"] = "none"
                } else {
                    guard let rate = BitrixValue.decimal(value) else { throw bad(name, "a VAT rate") }
                    out["vatRate"] = .string(Self.wholePercent(rate))
                }
            case "TAX_INCLUDED":
                guard let flag = BitrixValue.flag(value) else { throw bad(name, "Y or N") }
                out["vatIncluded"] = .bool(flag)
            case "MEASURE_CODE":
                guard let code = BitrixValue.id(value), code < 1000 else { throw bad(name, "an OKEI code") }
                var unit = out["unit"]?.objectValue ?? [:]
                unit["code"] = .string(String(repeating: "0", count: max(0, 3 - String(code).count)) + String(code))
                out["unit"] = .object(unit)
            case "MEASURE_NAME":
                if let text = BitrixValue.text(value), !text.isEmpty {
                    var unit = out["unit"]?.objectValue ?? [:]
                    unit["name"] = .string(text)
                    out["unit"] = .object(unit)
                }
            case "DISCOUNT_TYPE_ID", "DISCOUNT_RATE", "DISCOUNT_SUM", "ID", "OWNER_ID", "OWNER_TYPE", "SORT", "CUSTOMIZED":
                continue
            default:
                throw .core("rows[\(index)]: crmd's product rows have no field \(name)")
            }
        }
        if out["unit"] != nil, out["unit"]?["code"] == nil { throw bad("MEASURE_CODE", "an OKEI code beside MEASURE_NAME") }
        if let discount = try discount(map, quantity: out["quantity"]?.stringValue ?? "1", index: index) { out["discount"] = discount }
        return .object(out)
    }

    /// crmd's row discount for Bitrix24's: a percent, or an amount per unit times the quantity.
    private func discount(_ map: [String: JSON], quantity: String, index: Int) throws(BitrixError) -> JSON? {
        let upper = Dictionary(map.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        switch upper["DISCOUNT_TYPE_ID"].flatMap(BitrixValue.text) {
        case "2"?:
            guard let rate = upper["DISCOUNT_RATE"].flatMap(BitrixValue.decimal) else { return nil }
            return Self.isZero(rate) ? nil : ["type": "percent", "value": .string(rate)]
        case "1"?:
            guard let perUnit = upper["DISCOUNT_SUM"].flatMap(BitrixValue.decimal) else { return nil }
            guard let amount = BitrixDecimal.product(perUnit, quantity, scale: 2) else {
                throw .core("rows[\(index)][DISCOUNT_SUM]: cannot multiply by the quantity exactly")
            }
            return Self.isZero(amount) ? nil : ["type": "amount", "value": .string(amount)]
        default:
            return nil
        }
    }

    private func bitrixRow(_ row: JSON, index: Int, dealID: Int64) -> JSON {
        let vatRate = row["vatRate"]?.stringValue ?? "none"
        var discountType = "2"
        var discountRate = "0"
        var discountSum = "0.00"
        if let discount = row["discount"], !discount.isNull {
            if discount["type"]?.stringValue == "percent" {
                discountRate = discount["value"]?.stringValue ?? "0"
            } else {
                discountType = "1"
            }
            let quantity = row["quantity"]?.stringValue ?? "1"
            discountSum = BitrixDecimal.quotient(row["discountAmount"]?.stringValue ?? "0", quantity, scale: 2) ?? "0.00"
        }
        return ["ID": .string(String(index + 1)), "OWNER_ID": .string(String(dealID)), "OWNER_TYPE": "D",
                "PRODUCT_ID": .string(String(row["productId"]?.int64Value ?? 0)), "PRODUCT_NAME": row["name"] ?? .null,
                "PRICE": .string(BitrixValue.money(row["price"]?.stringValue ?? "0")), "QUANTITY": row["quantity"] ?? "1",
                "DISCOUNT_TYPE_ID": .string(discountType), "DISCOUNT_RATE": .string(discountRate), "DISCOUNT_SUM": .string(discountSum),
                "TAX_RATE": vatRate == "none" ? .null : .string(vatRate), "TAX_INCLUDED": .string(row["vatIncluded"]?.boolValue == true ? "Y" : "N"),
                "MEASURE_CODE": .int(Int(row["unit"]?["code"]?.stringValue ?? "796") ?? 796), "MEASURE_NAME": row["unit"]?["name"] ?? .null,
                "SUM": .string(row["sum"]?.stringValue ?? "0.00"), "TOTAL": .string(row["total"]?.stringValue ?? "0.00"),
                "SORT": .int((index + 1) * 10)]
    }

    /// `20`, `20.0`, `20.00` → `20`: crmd names rates as whole percents.
    private static func wholePercent(_ rate: String) -> String {
        guard let point = rate.firstIndex(of: ".") else { return rate }
        let fraction = rate[rate.index(after: point)...]
        return fraction.allSatisfy { $0 == "0" } ? String(rate[..<point]) : rate
    }

    private static func isZero(_ decimal: String) -> Bool { decimal.allSatisfy { $0 == "0" || $0 == "." || $0 == "-" } }
}

import JSONKit

/// `crm.<entity>.list`: Bitrix24's offset pages of 50 (`start`, answered with `total` and
/// `next`) over crmd's cursor pages. crmd lists have no offsets, so a page at `start` N is
/// reached by reading the ids of the N records before it (up to 500 a call) and going on from
/// that cursor; `total` is crmd's own count of the same filter. `start: -1` skips the count,
/// as in Bitrix24.
struct BitrixListMethod {
    static let pageSize = 50
    private static let skipStep = 500

    let entity: BitrixEntity
    let session: BitrixSession

    func list(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let record = try BitrixRecord(entity, session: session)
        let selection = try BitrixSelection(select: parameters["select"])
        let filter = try BitrixFilter(record: record).crmd(parameters["filter"])
        let order = try crmdOrder(parameters["order"])
        var start = 0
        if let given = parameters["start"] {
            guard let text = BitrixValue.text(given), let number = Int(text.trimmingSpaces), number >= -1 else {
                throw .core("start must be a non-negative integer")
            }
            start = number
        }
        let counting = start != -1
        start = max(start, 0)

        var base: [String: JSON] = [:]
        if !filter.isEmpty { base["filter"] = .object(filter) }
        if !order.isEmpty { base["order"] = .array(order) }

        var cursor: JSON = .null
        var skipped = 0
        while skipped < start {
            var query = base
            query["select"] = ["id"]
            query["limit"] = .int(min(Self.skipStep, start - skipped))
            query["cursor"] = cursor
            let page = try session.call("\(entity.crmd).list", .object(query), entity: entity)
            skipped += page["items"]?.arrayValue?.count ?? 0
            cursor = page["next"] ?? .null
            if cursor.isNull { break }
        }

        var query = base
        query["limit"] = .int(Self.pageSize)
        query["count"] = .bool(counting)
        query["cursor"] = cursor
        let exhausted = skipped < start || (start > 0 && cursor.isNull)
        var items: [JSON] = []
        var total: Int?
        if exhausted {
            if counting {
                query["cursor"] = .null
                query["limit"] = 1
                query["select"] = ["id"]
                total = try session.call("\(entity.crmd).list", .object(query), entity: entity)["total"]?.intValue
            }
        } else {
            let page = try session.call("\(entity.crmd).list", .object(query), entity: entity)
            items = page["items"]?.arrayValue ?? []
            total = counting ? page["total"]?.intValue : nil
            if !counting, !(page["next"] ?? .null).isNull { return BitrixReply(result: rows(items, record, selection), next: start + Self.pageSize) }
        }
        let next = total.flatMap { start + Self.pageSize < $0 ? start + Self.pageSize : nil }
        return BitrixReply(result: rows(items, record, selection), total: total ?? (counting ? 0 : nil), next: next)
    }

    private func rows(_ items: [JSON], _ record: BitrixRecord, _ selection: BitrixSelection) -> JSON {
        .array(items.map { record.bitrix($0, selection: selection) })
    }

    /// `{"DATE_CREATE": "DESC", "ID": "ASC"}` as crmd's order list. A JSON object keeps no key
    /// order, so with several keys `ID` goes last (crmd breaks ties by id anyway) and the others
    /// in name order.
    private func crmdOrder(_ order: JSON?) throws(BitrixError) -> [JSON] {
        guard case .object(let map)? = order else {
            if order == nil || order == .null || order?.arrayValue?.isEmpty == true { return [] }
            throw .core("order must be an object of field: ASC|DESC")
        }
        let names = map.keys.sorted { ($0.uppercased() == "ID" ? 1 : 0, $0) < ($1.uppercased() == "ID" ? 1 : 0, $1) }
        var out: [JSON] = []
        for name in names {
            guard let direction = map[name].flatMap(BitrixValue.text)?.lowercased(), direction == "asc" || direction == "desc" else {
                throw .core("order of \(name) must be ASC or DESC")
            }
            let crmdName: String
            if let field = entity.field(name) {
                crmdName = field.crmd
            } else if let custom = try session.customFields(of: entity).field(named: name) {
                crmdName = "custom." + custom.code
            } else {
                throw .core("Cannot order by \(name): crmd's \(entity.crmd) has no such field")
            }
            if names.count > 1, crmdName == "id" { continue }
            out.append(.object([crmdName: .string(direction)]))
        }
        return out
    }
}

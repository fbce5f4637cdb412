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

        let method = "\(entity.crmd).list"
        guard let cursor = try cursor(after: start, base: base) else {
            var count = base
            count["limit"] = 1
            count["select"] = ["id"]
            count["count"] = true
            let total = counting ? try session.call(method, .object(count), entity: entity)["total"]?.intValue ?? 0 : nil
            return BitrixReply(result: [], total: total)
        }
        var query = base
        query["limit"] = .int(Self.pageSize)
        query["count"] = .bool(counting)
        query["cursor"] = cursor
        let page = try session.call(method, .object(query), entity: entity)
        let result = JSON.array((page["items"]?.arrayValue ?? []).map { record.bitrix($0, selection: selection) })
        let following = start + Self.pageSize
        guard counting else {
            return BitrixReply(result: result, next: (page["next"] ?? .null).isNull ? nil : following)
        }
        let total = page["total"]?.intValue ?? 0
        return BitrixReply(result: result, total: total, next: following < total ? following : nil)
    }

    /// The cursor from which the records after the first `start` ones follow (null for the
    /// first page); nil when there are no more than `start` records.
    private func cursor(after start: Int, base: [String: JSON]) throws(BitrixError) -> JSON? {
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
            if cursor.isNull { return nil }
        }
        return cursor
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

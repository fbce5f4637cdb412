import JSONKit
import Storage

extension RecordService {
    /// One page of records matching the request, with a keyset cursor for the next page
    /// (stable under concurrent inserts, cheap at any depth) and the total on request.
    package func list(_ request: ListRequest) throws -> JSON {
        try crm.pool.read { db in
            let custom = try CustomFieldService.definitions(db, entity.type)
            var builder = ListQueryBuilder(entity: entity, custom: custom)
            for key in request.filter.keys.sorted() {
                try builder.addFilter(key: key, value: request.filter[key]!)
            }
            if let search = request.search { try builder.addSearch(search) }

            var sortKeys: [(expression: String, arguments: [SQLValue], descending: Bool)] = []
            for (index, item) in request.order.enumerated() where item.field != "id" {
                let target = try builder.resolve(item.field, path: "/order/\(index)")
                guard target.field.kind.isOrdered, !target.field.isMultiple else {
                    throw CRMError.invalidParam("/order/\(index)", "cannot sort by '\(item.field)'")
                }
                var expression = target.comparable
                if !target.isNonNull {
                    let sentinel = [.integer, .user, .pipeline, .boolean, .money].contains(target.field.kind) ? "-9223372036854775808" : "''"
                    expression = "coalesce(\(expression), \(sentinel))"
                }
                sortKeys.append((expression, target.arguments, item.descending))
            }
            let idDescending = request.order.last?.descending ?? false
            let signature = (request.order.map { "\($0.field):\($0.descending ? "desc" : "asc")" } + ["id"]).joined(separator: ",")

            var conditions = builder.conditions
            var arguments = builder.arguments
            let filterConditions = conditions
            let filterArguments = arguments
            if let text = request.cursor {
                guard let cursor = ListCursor(text), cursor.order == signature, cursor.keys.count == sortKeys.count else {
                    throw CRMError.invalidParam("/cursor", "not a cursor of this list and order")
                }
                let (condition, values) = keyset(sortKeys, cursor, id: builder.idExpression, idDescending: idDescending)
                conditions.append(condition)
                arguments += values
            }

            // First the page's ids and sort keys (an index or a bounded sort over narrow rows),
            // then the records themselves: wide columns are read for the page only.
            let selectKeys = sortKeys.enumerated().map { "\($1.expression) AS sort_\($0)" }.joined(separator: ", ")
            var sql = "SELECT t.id AS id\(selectKeys.isEmpty ? "" : ", " + selectKeys) FROM \(builder.source)"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            let orderTerms = sortKeys.map { "\($0.expression) \($0.descending ? "DESC" : "ASC")" } + ["\(builder.idExpression) \(idDescending ? "DESC" : "ASC")"]
            sql += " ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ?"
            let sortArguments = sortKeys.flatMap(\.arguments)
            let keyRows = try db.query(sql, sortArguments + arguments + sortArguments + [.integer(Int64(request.limit + 1))])
            let page = Array(keyRows.prefix(request.limit))
            var records: [Int64: Row] = [:]
            if !page.isEmpty {
                let marks = Array(repeating: "?", count: page.count).joined(separator: ", ")
                for row in try db.query("SELECT \(entity.columnList) FROM \(entity.table) WHERE id IN (\(marks))",
                                        try page.map { .integer(try $0.int64("id")) }) {
                    records[try row.int64("id")] = row
                }
            }

            let select = try selection(request.select, custom: custom)
            var items: [JSON] = []
            items.reserveCapacity(page.count)
            for key in page {
                guard let row = records[try key.int64("id")] else { continue }
                let state = try RecordState(row: row, descriptor: entity)
                items.append(select.map { project(state, $0) } ?? state.json(entity))
            }
            var result: [String: JSON] = ["items": .array(items), "next": .null]
            if keyRows.count > request.limit, let last = page.last {
                let keys = try (0..<sortKeys.count).map { try last.value("sort_\($0)") }
                result["next"] = .string(ListCursor(order: signature, keys: keys, id: try last.int64("id")).encoded())
            }
            if request.count {
                var countSQL = "SELECT count(*) AS total FROM \(builder.source)"
                if !filterConditions.isEmpty { countSQL += " WHERE " + filterConditions.joined(separator: " AND ") }
                result["total"] = .int(try db.queryOne(countSQL, filterArguments)?.int64("total") ?? 0)
            }
            return .object(result)
        }
    }

    /// Rows strictly after the cursor in the list's order.
    private func keyset(_ keys: [(expression: String, arguments: [SQLValue], descending: Bool)], _ cursor: ListCursor,
                        id: String, idDescending: Bool) -> (String, [SQLValue]) {
        let all = keys.map { ($0.expression, $0.arguments, $0.descending) } + [(id, [], idDescending)]
        let values = cursor.keys + [.integer(cursor.id)]
        if Set(all.map(\.2)).count == 1 {
            let op = all[0].2 ? "<" : ">"
            let left = all.map(\.0).joined(separator: ", ")
            let marks = Array(repeating: "?", count: all.count).joined(separator: ", ")
            return ("(\(left)) \(op) (\(marks))", all.flatMap(\.1) + values)
        }
        var branches: [String] = []
        var arguments: [SQLValue] = []
        for index in all.indices {
            var parts: [String] = []
            for earlier in 0..<index {
                parts.append("\(all[earlier].0) = ?")
                arguments += all[earlier].1 + [values[earlier]]
            }
            parts.append("\(all[index].0) \(all[index].2 ? "<" : ">") ?")
            arguments += all[index].1 + [values[index]]
            branches.append("(" + parts.joined(separator: " AND ") + ")")
        }
        return ("(" + branches.joined(separator: " OR ") + ")", arguments)
    }

    /// The fields a `select` keeps (always with `id`), validated.
    private func selection(_ names: [String]?, custom: [FieldDefinition]) throws -> [String]? {
        guard let names else { return nil }
        let customNames = Set(custom.map(\.name))
        var problems: [ParamProblem] = []
        for (index, name) in names.enumerated() where entity.field(name) == nil && name != "custom" && !customNames.contains(name) {
            problems.append(ParamProblem(path: "/select/\(index)", message: "unknown field '\(name)'"))
        }
        if !problems.isEmpty { throw CRMError.invalidParams(problems) }
        return ["id"] + names.filter { $0 != "id" }
    }

    private func project(_ state: RecordState, _ names: [String]) -> JSON {
        var object: [String: JSON] = [:]
        var custom: [String: JSON] = [:]
        for name in names {
            if name == "custom" {
                custom.merge(state.custom) { current, _ in current }
            } else if name.hasPrefix("custom.") {
                custom[String(name.dropFirst("custom.".count))] = state.value(name, entity)
            } else {
                object[name] = state.value(name, entity)
            }
        }
        if names.contains(where: { $0 == "custom" || $0.hasPrefix("custom.") }) { object["custom"] = .object(custom) }
        return .object(object)
    }
}

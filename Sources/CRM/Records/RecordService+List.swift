import JSONKit
import Storage

extension RecordService {
    /// One page of records matching the request, with a keyset cursor for the next page
    /// (stable under concurrent inserts, cheap at any depth) and the total on request.
    /// Only records `access` (when given) reaches for reading are listed and counted.
    package func list(_ request: ListRequest, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            let custom = try CustomFieldService.definitions(db, entity.type)
            var builder = ListQueryBuilder(entity: entity, custom: custom)
            if let access, entity.ownerPositions != nil,
               let scope = access.condition(PermissionEntity(entity.type), .read, table: entity.table) {
                try builder.restrict(scope, db, small: RecordListStore.scanBudget, idOrder: request.order.allSatisfy { $0.field == "id" })
            }
            for key in request.filter.keys.sorted() {
                try builder.addFilter(key: key, value: request.filter[key]!)
            }
            if let search = request.search { try builder.addSearch(search, db) }

            var sortKeys: [RecordListStore.SortKey] = []
            for (index, item) in request.order.enumerated() where item.field != "id" {
                let target = try builder.resolve(item.field, path: "/order/\(index)")
                // Only fields with an index sort: any other order would sort every match.
                guard entity.sortable.contains(item.field) else {
                    throw CRMError.notSortable("/order/\(index)", field: item.field, sortable: entity.sortable)
                }
                sortKeys.append(RecordListStore.sortKey(target, descending: item.descending))
            }
            let idDescending = request.order.last?.descending ?? false
            let signature = (request.order.map { "\($0.field):\($0.descending ? "desc" : "asc")" } + ["id"]).joined(separator: ",")

            let store = RecordListStore(entity: entity, builder: builder, sortKeys: sortKeys, idDescending: idDescending)
            var after: (keys: [SQLValue], id: Int64)?
            if let text = request.cursor {
                guard let cursor = ListCursor(text), cursor.order == signature, cursor.keys.count == sortKeys.count else {
                    throw CRMError.invalidParam("/cursor", "not a cursor of this list and order")
                }
                after = (cursor.keys, cursor.id)
            }
            let (page, records, more) = try store.page(db, after: after, limit: request.limit)

            let select = try selection(request.select, custom: custom)
            var items: [JSON] = []
            items.reserveCapacity(page.count)
            for key in page {
                guard let row = records[key.id] else { continue }
                let state = try RecordState(row: row, descriptor: entity)
                items.append(select.map { project(state, $0) } ?? state.json(entity))
            }
            var result: [String: JSON] = ["items": .array(items), "next": .null]
            if more, let last = page.last {
                result["next"] = .string(ListCursor(order: signature, keys: last.keys, id: last.id).encoded())
            }
            if request.count { result["total"] = .int(try store.count(db)) }
            return .object(result)
        }
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

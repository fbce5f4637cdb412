import JSONKit
import Storage

/// The company's structure (`department.*`): a tree of departments by `parentId`. A department
/// can never be its own ancestor (1007 `{field: parentId, reason: cycle}`), and one that still
/// has users or sub-departments cannot be deleted (1005 `{reason: inUse, users, departments}`).
package struct DepartmentService: Sendable {
    let crm: CRM

    package func add(name: String, parentID: Int64?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            if let parentID { try Self.requireExists(db, parentID) }
            let id = try DepartmentStore.insert(db, name: name, parentID: parentID, at: crm.nowText)
            let department = try get(db, id)
            try crm.apply(Change(.department, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences(.object([:]), department, ignoring: Self.unreported)), in: db)
            return department
        }
    }

    /// Renames or moves department `id`; `parentId` null makes it a top-level one.
    package func update(_ id: Int64, _ fields: [String: JSON], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard let stored = try DepartmentStore.fetch(db, id) else { throw CRMError.notFound("department", id) }
            let old = Self.json(stored)
            var name = stored.name, parentID = stored.parentID
            if let value = fields["name"]?.stringValue { name = value }
            if let value = fields["parentId"] {
                parentID = value.int64Value
                if let parentID { try Self.requireNoCycle(db, id, parent: parentID) }
            }
            try DepartmentStore.update(db, id, name: name, parentID: parentID, at: crm.nowText)
            let new = try get(db, id)
            let changes = FieldChange.differences(old, new, ignoring: Self.unreported)
            if !changes.isEmpty {
                try crm.apply(Change(.department, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db)
            }
            return new
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard try DepartmentStore.fetch(db, id) != nil else { throw CRMError.notFound("department", id) }
            let users = try UserStore.count(db, inDepartment: id), children = try DepartmentStore.childCount(db, id)
            if users > 0 || children > 0 {
                throw CRMError.conflict(reason: "inUse", details: [
                    "id": .int(id), "users": .int(users), "departments": .int(children),
                    "message": .string("move its \(users) user(s) and \(children) sub-department(s) elsewhere first"),
                ])
            }
            try DepartmentStore.delete(db, id)
            try crm.apply(Change(.department, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try get(db, id) } }

    package func list() throws -> JSON {
        try crm.pool.read { db in .object(["items": .array(try DepartmentStore.all(db).map(Self.json))]) }
    }

    func get(_ db: Database, _ id: Int64) throws -> JSON {
        guard let department = try DepartmentStore.fetch(db, id) else { throw CRMError.notFound("department", id) }
        return Self.json(department)
    }

    /// Department `id` and every department under it, for "my department and its
    /// sub-departments" scopes.
    package static func subtree(_ db: Database, of id: Int64) throws -> Set<Int64> {
        let all = try DepartmentStore.all(db)
        var result: Set<Int64> = [id], grew = true
        while grew {
            grew = false
            for department in all where department.parentID.map(result.contains) == true && !result.contains(department.id) {
                result.insert(department.id)
                grew = true
            }
        }
        return result
    }

    private static let unreported: Set<String> = ["id", "createdAt", "updatedAt"]

    private static func requireExists(_ db: Database, _ id: Int64) throws {
        guard try DepartmentStore.fetch(db, id) != nil else {
            throw CRMError.invalidValue(field: "parentId", reason: "notFound", message: "no department with id \(id)")
        }
    }

    /// 1007 when `parent` is `id` itself or lies under it: the move would make a cycle.
    private static func requireNoCycle(_ db: Database, _ id: Int64, parent: Int64) throws {
        try requireExists(db, parent)
        var current: Int64? = parent
        var seen: Set<Int64> = []
        while let next = current, seen.insert(next).inserted {
            if next == id {
                throw CRMError.invalidValue(field: "parentId", reason: "cycle",
                                            message: "department \(parent) is department \(id) or lies under it")
            }
            current = try DepartmentStore.fetch(db, next)?.parentID
        }
    }

    private static func json(_ department: DepartmentStore.Department) -> JSON {
        [
            "id": .int(department.id), "name": .string(department.name), "parentId": department.parentID.map(JSON.int) ?? .null,
            "createdAt": .string(department.createdAt), "updatedAt": .string(department.updatedAt),
        ]
    }
}

extension CRM {
    package var departments: DepartmentService { DepartmentService(crm: self) }
}

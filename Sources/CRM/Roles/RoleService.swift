import JSONKit
import Storage

/// Roles (`role.*`) and who holds them (`user.setRoles`, `department.setRoles`). A user's
/// permissions are those of the roles assigned to them, to their department and to the
/// departments above it, combined (`Permissions.union`). Built-in roles cannot be deleted;
/// a role still assigned cannot either (1005 `builtIn`, `inUse`).
package struct RoleService: Sendable {
    let crm: CRM

    package func add(name: String, permissions: JSON, by caller: Caller) throws -> JSON {
        let parsed = try Permissions(json: permissions)
        return try crm.pool.write { db in
            let id = try RoleStore.insert(db, code: nil, name: name, builtIn: false, permissions: parsed.json.text, at: crm.nowText)
            let role = try get(db, id)
            try crm.apply(Change(.role, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "name", old: .null, new: .string(name)),
                                          FieldChange(field: "permissions", old: .null, new: parsed.json)]), in: db)
            return role
        }
    }

    /// Renames a role or changes its permissions: a given entity's actions replace its stored ones.
    package func update(_ id: Int64, name: String?, permissions: JSON?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard let stored = try RoleStore.fetch(db, id) else { throw CRMError.notFound("role", id) }
            let old = try JSON.parse(stored.permissions)
            var merged = old.objectValue ?? [:]
            for (entity, actions) in permissions?.objectValue ?? [:] { merged[entity] = actions }
            let parsed = try Permissions(json: .object(merged))
            try RoleStore.update(db, id, name: name ?? stored.name, permissions: parsed.json.text, at: crm.nowText)
            var changes: [FieldChange] = []
            if let name, name != stored.name { changes.append(FieldChange(field: "name", old: .string(stored.name), new: .string(name))) }
            if parsed.json != old { changes.append(FieldChange(field: "permissions", old: old, new: parsed.json)) }
            if !changes.isEmpty { try crm.apply(Change(.role, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db) }
            return try get(db, id)
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard let stored = try RoleStore.fetch(db, id) else { throw CRMError.notFound("role", id) }
            if stored.builtIn { throw CRMError.conflict(reason: "builtIn", details: ["id": .int(id), "code": stored.code.map(JSON.string) ?? .null]) }
            let holders = try RoleStore.holders(db, of: id)
            if !holders.users.isEmpty || !holders.departments.isEmpty {
                throw CRMError.conflict(reason: "inUse", details: ["id": .int(id), "userIds": .array(holders.users.map(JSON.int)),
                                                                  "departmentIds": .array(holders.departments.map(JSON.int))])
            }
            try RoleStore.delete(db, id)
            try crm.apply(Change(.role, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try get(db, id) } }

    package func list() throws -> JSON {
        try crm.pool.read { db in .object(["items": .array(try RoleStore.all(db).map { try json(db, $0) })]) }
    }

    /// Replaces the roles assigned to a user or a department; returns `{id, roleIds}`.
    package func setRoles(of holder: RoleHolder, to roleIDs: [Int64], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            switch holder {
            case .user(let id): guard try UserStore.exists(db, id) else { throw CRMError.notFound("user", id) }
            case .department(let id): guard try DepartmentStore.fetch(db, id) != nil else { throw CRMError.notFound("department", id) }
            }
            for roleID in roleIDs where try RoleStore.fetch(db, roleID) == nil {
                throw CRMError.invalidValue(field: "roleIds", reason: "notFound", message: "no role with id \(roleID)")
            }
            if case .user(let id) = holder, id == UserService.defaultUserID,
               let administrator = try RoleStore.all(db).first(where: { $0.code == "administrator" }), !roleIDs.contains(administrator.id) {
                throw CRMError.conflict(reason: "administrator", details: [
                    "id": .int(id), "message": "the administrator (user 1) keeps the administrator role"])
            }
            let old = try RoleStore.roleIDs(db, of: holder)
            try RoleStore.setRoles(db, of: holder, to: roleIDs)
            let new = try RoleStore.roleIDs(db, of: holder)
            if old != new {
                let entity: ChangeEntity = if case .user = holder { .user } else { .department }
                try crm.apply(Change(entity, id: .int(holder.id), .updated, by: caller, at: crm.nowText,
                                     fields: [FieldChange(field: "roleIds", old: .array(old.map(JSON.int)), new: .array(new.map(JSON.int)))]), in: db)
            }
            return ["id": .int(holder.id), "roleIds": .array(new.map(JSON.int))]
        }
    }

    /// The roles a user holds, directly or through their department and the departments above
    /// it, and the permissions they combine to.
    static func effective(_ db: Database, userID: Int64, departmentID: Int64?) throws -> (roleIDs: Set<Int64>, permissions: Permissions) {
        var roleIDs = Set(try RoleStore.roleIDs(db, of: .user(userID)))
        var department = departmentID
        var seen: Set<Int64> = []
        while let id = department, seen.insert(id).inserted {
            roleIDs.formUnion(try RoleStore.roleIDs(db, of: .department(id)))
            department = try DepartmentStore.fetch(db, id)?.parentID
        }
        var permissions = Permissions()
        for id in roleIDs.sorted() {
            guard let role = try RoleStore.fetch(db, id) else { continue }
            let parsed = try StoredData.read("roles", id) { try Permissions(json: try JSON.parse(role.permissions)) }
            permissions = permissions.union(parsed)
        }
        return (roleIDs, permissions)
    }

    func get(_ db: Database, _ id: Int64) throws -> JSON {
        guard let role = try RoleStore.fetch(db, id) else { throw CRMError.notFound("role", id) }
        return try json(db, role)
    }

    private func json(_ db: Database, _ role: RoleStore.Role) throws -> JSON {
        let holders = try RoleStore.holders(db, of: role.id)
        return [
            "id": .int(role.id), "code": role.code.map(JSON.string) ?? .null, "name": .string(role.name), "builtIn": .bool(role.builtIn),
            "permissions": try JSON.parse(role.permissions), "userIds": .array(holders.users.map(JSON.int)),
            "departmentIds": .array(holders.departments.map(JSON.int)), "createdAt": .string(role.createdAt), "updatedAt": .string(role.updatedAt),
        ]
    }
}

extension CRM {
    package var roles: RoleService { RoleService(crm: self) }
}

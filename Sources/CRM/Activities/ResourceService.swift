import JSONKit
import Storage

/// Resources meetings book (`resource.*`): a meeting room, a demonstration site.
package struct ResourceService: Sendable {
    let crm: CRM

    package func add(name: String, description: String?, place: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let id = try ActivityStore.insertResource(db, name: name, description: description, place: place, at: crm.nowText)
            let resource = try load(db, id).json
            try crm.apply(Change(.resource, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences([:], resource, ignoring: ["id", "createdAt", "updatedAt"])), in: db)
            return resource
        }
    }

    package func list(includeInactive: Bool) throws -> JSON {
        try crm.pool.read { db in ["items": .array(try ActivityStore.resources(db, includeInactive: includeInactive).map(\.json))] }
    }

    package func update(_ id: Int64, name: String?, description: JSON?, place: JSON?, active: Bool?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            var resource = try load(db, id)
            let old = resource.json
            if let name { resource.name = name }
            if let description { resource.description = description.stringValue }
            if let place { resource.place = place.stringValue }
            if let active { resource.active = active }
            let changes = FieldChange.differences(old, resource.json, ignoring: ["updatedAt"])
            if changes.isEmpty { return old }
            resource.updatedAt = crm.nowText
            try ActivityStore.updateResource(db, resource)
            try crm.apply(Change(.resource, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db)
            return resource.json
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            _ = try load(db, id)
            if let activity = try ActivityStore.resourceInUse(db, id) {
                throw CRMError.conflict(reason: "inUse", details: ["entityType": "resource", "id": .int(id), "activityId": .int(activity)])
            }
            try ActivityStore.deleteResource(db, id)
            try crm.apply(Change(.resource, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    private func load(_ db: Database, _ id: Int64) throws -> ActivityStore.Resource {
        guard let resource = try ActivityStore.resource(db, id) else { throw CRMError.notFound("resource", id) }
        return resource
    }
}

extension CRM {
    package var resources: ResourceService { ResourceService(crm: self) }
}

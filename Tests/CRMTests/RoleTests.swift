import JSONKit
import Storage
import Testing
@testable import CRM

/// Roles as data (issue 11, item 2): the built-in roles, permissions per entity and action
/// with a scope, assignment to users and departments, and what an identity carries of them.
@Suite struct RoleTests {
    func roleID(_ fixture: CRMFixture, _ code: String) throws -> Int64 {
        try #require(fixture.crm.roles.list()["items"]?.arrayValue?.first { $0["code"] == .string(code) }).id
    }

    func failure(_ body: () throws -> Any) -> CRMError? {
        do {
            _ = try body()
        } catch let error as CRMError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func theBuiltInRolesAreSeededAndTheAdministratorHoldsTheirRole() throws {
        let fixture = try CRMFixture()
        let roles = try #require(fixture.crm.roles.list()["items"]?.arrayValue)
        #expect(roles.map { $0["code"]?.stringValue ?? "" } == ["administrator", "manager", "headOfSales", "accountant", "exchange"])
        #expect(roles.allSatisfy { $0["builtIn"] == true })
        #expect(roles[0]["userIds"] == [1])
        let owner = try fixture.crm.access.owner()
        #expect(owner.roleIDs == [roles[0].id])
        #expect(owner.permissions.reach(.settings, .update) == [.own, .department, .open, .all])
        // The manager: own and open records, colleagues and the catalogue, no settings.
        let manager = BuiltInRoles.manager
        #expect(manager.reach(.lead, .read) == [.own, .open])
        #expect(manager.reach(.deal, .update) == [.own])
        #expect(manager.reach(.product, .read) == [.own, .department, .open, .all])
        #expect(manager.reach(.product, .update) == [])
        #expect(manager.reach(.settings, .read) == [])
        #expect(BuiltInRoles.accountant.reach(.invoice, .delete) == [])
        #expect(BuiltInRoles.accountant.reach(.exchange, .export).contains(.all))
        #expect(BuiltInRoles.exchange.reach(.lead, .read) == [])
        // Stored as every entity and action, `none` included.
        #expect(roles[1]["permissions"]?["settings"]?["update"] == "none")
        #expect(roles[1]["permissions"]?["lead"]?["read"] == "open")
    }

    @Test func rolesComeFromTheUserTheirDepartmentAndTheDepartmentsAboveIt() throws {
        let fixture = try CRMFixture()
        let sales = try fixture.crm.departments.add(name: "Продажи", parentID: nil, by: .user(1)).id
        let moscow = try fixture.crm.departments.add(name: "Москва", parentID: sales, by: .user(1)).id
        let anna = try fixture.crm.users.add(["name": "Анна", "departmentId": .int(moscow), "unixUser": 1001], idempotencyKey: nil, by: .user(1)).id
        #expect(try fixture.crm.access.identity(unixUser: 1001, ownerUID: 0).roleIDs.isEmpty)
        let head = try roleID(fixture, "headOfSales"), manager = try roleID(fixture, "manager")
        _ = try fixture.crm.roles.setRoles(of: .department(sales), to: [head], by: .user(1))
        _ = try fixture.crm.roles.setRoles(of: .user(anna), to: [manager, manager], by: .user(1))
        let identity = try fixture.crm.access.identity(unixUser: 1001, ownerUID: 0)
        #expect(identity.roleIDs == [head, manager])
        // Department and open are not one wider than the other: holding both reaches both.
        #expect(identity.permissions.reach(.lead, .read) == [.own, .department, .open])
        #expect(identity.permissions.reach(.deal, .update) == [.own, .department])
        #expect(identity.permissions.reach(.settings, .update) == [])
        // A session checks again after a change of roles.
        let before = fixture.crm.accessGeneration.value
        #expect(try fixture.crm.roles.setRoles(of: .user(anna), to: [], by: .user(1))["roleIds"] == [])
        #expect(fixture.crm.accessGeneration.value != before)
        #expect(try fixture.crm.access.refresh(identity, ownerUID: 0).roleIDs == [head])
    }

    @Test func permissionsAreValidatedAndUpdatedEntityByEntity() throws {
        let fixture = try CRMFixture()
        let refused = failure { try fixture.crm.roles.add(name: "x", permissions: ["lead": ["read": "mine"]], by: .user(1)) }
        #expect(refused == .invalidValue(field: "permissions.lead.read", reason: "unknownScope",
                                         message: "\"mine\" is not one of none, own, department, open, all"))
        if case .invalidValue(let field, let reason, _)? = failure({ try fixture.crm.roles.add(name: "x", permissions: ["meeting": [:]], by: .user(1)) }) {
            #expect((field, reason) == ("permissions.meeting", "unknownEntity"))
        } else { Issue.record("an unknown entity must be refused") }
        let intern = try fixture.crm.roles.add(name: "Стажёр", permissions: ["lead": ["read": "own", "add": "own"], "deal": ["read": "own"]], by: .user(1))
        #expect(intern["builtIn"] == false && intern["code"] == .null)
        let updated = try fixture.crm.roles.update(intern.id, name: nil, permissions: ["lead": ["read": "department"]], by: .user(1))
        #expect(updated["permissions"]?["lead"]?["read"] == "department")
        #expect(updated["permissions"]?["lead"]?["add"] == "none", "a given entity's actions replace its stored ones")
        #expect(updated["permissions"]?["deal"]?["read"] == "own", "entities not given keep theirs")
    }

    @Test func builtInAndAssignedRolesAreNotDeletedAndTheAdministratorKeepsTheirs() throws {
        let fixture = try CRMFixture()
        let manager = try roleID(fixture, "manager")
        #expect(failure { try fixture.crm.roles.delete(manager, by: .user(1)) } == .conflict(reason: "builtIn", details: ["id": .int(manager), "code": "manager"]))
        let custom = try fixture.crm.roles.add(name: "Стажёр", permissions: [:], by: .user(1)).id
        let anna = try fixture.crm.users.add(["name": "Анна"], idempotencyKey: nil, by: .user(1)).id
        _ = try fixture.crm.roles.setRoles(of: .user(anna), to: [custom], by: .user(1))
        #expect(failure { try fixture.crm.roles.delete(custom, by: .user(1)) }
                == .conflict(reason: "inUse", details: ["id": .int(custom), "userIds": [.int(anna)], "departmentIds": []]))
        _ = try fixture.crm.roles.setRoles(of: .user(anna), to: [], by: .user(1))
        #expect(try fixture.crm.roles.delete(custom, by: .user(1))["deleted"] == true)
        if case .conflict(let reason, _)? = failure({ try fixture.crm.roles.setRoles(of: .user(1), to: [manager], by: .user(1)) }) {
            #expect(reason == "administrator")
        } else { Issue.record("user 1 must keep the administrator role") }
        if case .invalidValue(let field, let reason, _)? = failure({ try fixture.crm.roles.setRoles(of: .user(anna), to: [999], by: .user(1)) }) {
            #expect((field, reason) == ("roleIds", "notFound"))
        } else { Issue.record("an unknown role must be refused") }
        #expect(failure { try fixture.crm.roles.setRoles(of: .department(999), to: [], by: .user(1)) } == .notFound("department", 999))
    }
}

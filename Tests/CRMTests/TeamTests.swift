import JSONKit
import Storage
import Testing
@testable import CRM

/// Users, departments, API tokens and who may call (issue 11).
@Suite struct TeamTests {
    func user(_ fixture: CRMFixture, _ name: String, _ extra: [String: JSON] = [:]) throws -> Int64 {
        var fields: [String: JSON] = ["name": .string(name)]
        fields.merge(extra) { _, new in new }
        return try fixture.crm.users.add(fields, idempotencyKey: nil, by: .user(1)).id
    }

    func invalidValue(_ body: () throws -> Any) -> (field: String, reason: String)? {
        do {
            _ = try body()
        } catch CRMError.invalidValue(let field, let reason, _) {
            return (field, reason)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    func refusal(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
        } catch CRMError.accessRefused(let reason, _, _) {
            return reason
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    func conflict(_ body: () throws -> Any) -> (reason: String, details: [String: JSON])? {
        do {
            _ = try body()
        } catch CRMError.conflict(let reason, let details) {
            return (reason, details)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    // MARK: - Users

    @Test func aProfileIsValidatedAndEveryChangeGoesThroughTheFunnel() throws {
        let fixture = try CRMFixture()
        let sales = try fixture.crm.departments.add(name: "Продажи", parentID: nil, by: .user(1)).id
        let anna = try fixture.crm.users.add(["name": "Анна", "position": "Менеджер", "timeZone": "Asia/Vladivostok",
                                              "departmentId": .int(sales), "managerId": 1, "phone": "+7 916 000-00-01"],
                                             idempotencyKey: nil, by: .user(1))
        #expect(anna["timeZone"] == "Asia/Vladivostok")
        #expect(anna["departmentId"] == .int(sales))
        #expect(anna["managerId"] == 1)
        #expect(invalidValue { try fixture.crm.users.update(anna.id, ["timeZone": "MSK"], by: .user(1)) }! == ("timeZone", "unknownTimeZone"))
        #expect(invalidValue { try fixture.crm.users.update(anna.id, ["departmentId": 999], by: .user(1)) }! == ("departmentId", "notFound"))
        #expect(invalidValue { try fixture.crm.users.update(anna.id, ["managerId": 999], by: .user(1)) }! == ("managerId", "unknownUser"))
        // Anna reports to Boris: Boris cannot report to Anna, nor Anna to herself.
        let boris = try user(fixture, "Борис", ["managerId": .int(anna.id)])
        #expect(invalidValue { try fixture.crm.users.update(anna.id, ["managerId": .int(boris)], by: .user(1)) }! == ("managerId", "cycle"))
        #expect(invalidValue { try fixture.crm.users.update(anna.id, ["managerId": .int(anna.id)], by: .user(1)) }! == ("managerId", "cycle"))
        // Nothing of a refused update was written.
        #expect(try fixture.crm.users.get(anna.id)["timeZone"] == "Asia/Vladivostok")
        let updated = try fixture.crm.users.update(anna.id, ["position": "Руководитель", "phone": .null], by: .user(boris))
        #expect(updated["position"] == "Руководитель")
        #expect(updated["phone"] == .null)
    }

    @Test func aUnixUserMapsToOneUserOnly() throws {
        let fixture = try CRMFixture()
        let anna = try user(fixture, "Анна", ["unixUser": 1001])
        let boris = try user(fixture, "Борис")
        let refused = conflict { try fixture.crm.users.update(boris, ["unixUser": 1001], by: .user(1)) }
        #expect(refused?.reason == "exists")
        #expect(refused?.details["userId"] == .int(anna))
        // Giving Anna's own uid to Anna again is no conflict.
        _ = try fixture.crm.users.update(anna, ["unixUser": 1001], by: .user(1))
    }

    @Test func aDeactivatedUserKeepsTheirRecordsButCannotBeMadeResponsibleOrCall() throws {
        let fixture = try CRMFixture()
        let anna = try user(fixture, "Анна", ["unixUser": 1001])
        let lead = try fixture.crm.leads.add(fields: CRMFixture.completeLead(["assignedTo": .int(anna)]), idempotencyKey: nil, by: .user(anna))
        let deactivated = try fixture.crm.users.deactivate(anna, by: .user(1))
        #expect(deactivated["active"] == false)
        #expect(deactivated["deactivatedAt"] != .null)
        let kept = try fixture.crm.leads.get(lead.id)
        #expect(kept["assignedTo"] == .int(anna))
        #expect(kept["createdBy"] == .int(anna))
        #expect(invalidValue { try fixture.addLead(["assignedTo": .int(anna)]) }! == ("assignedTo", "inactiveUser"))
        #expect(invalidValue { try fixture.addLead(["assignedTo": 999]) }! == ("assignedTo", "unknownUser"))
        #expect(refusal { try fixture.crm.access.identity(unixUser: 1001, ownerUID: 0) } == "userInactive")
        #expect(try fixture.crm.users.list(active: true)["items"]?.arrayValue?.count == 1)
        #expect(conflict { try fixture.crm.users.deactivate(1, by: .user(anna)) }?.reason == "administrator")
        let boris = try user(fixture, "Борис")
        #expect(conflict { try fixture.crm.users.deactivate(boris, by: .user(boris)) }?.reason == "self")
    }

    // MARK: - Departments

    @Test func theDepartmentTreeRefusesCycles() throws {
        let fixture = try CRMFixture()
        let departments = fixture.crm.departments
        let company = try departments.add(name: "Компания", parentID: nil, by: .user(1)).id
        let sales = try departments.add(name: "Продажи", parentID: company, by: .user(1)).id
        let moscow = try departments.add(name: "Москва", parentID: sales, by: .user(1)).id
        #expect(invalidValue { try departments.update(company, ["parentId": .int(moscow)], by: .user(1)) }! == ("parentId", "cycle"))
        #expect(invalidValue { try departments.update(sales, ["parentId": .int(sales)], by: .user(1)) }! == ("parentId", "cycle"))
        #expect(invalidValue { try departments.update(sales, ["parentId": 999], by: .user(1)) }! == ("parentId", "notFound"))
        #expect(invalidValue { try departments.add(name: "x", parentID: 999, by: .user(1)) }! == ("parentId", "notFound"))
        #expect(try departments.get(company)["parentId"] == .null)
        // Moving a branch elsewhere in the tree is fine; so is making it top-level.
        let moved = try departments.update(moscow, ["parentId": .int(company), "name": "Москва (филиал)"], by: .user(1))
        #expect(moved["parentId"] == .int(company))
        #expect(try departments.update(moscow, ["parentId": .null], by: .user(1))["parentId"] == .null)
        #expect(try fixture.crm.pool.read { try DepartmentService.subtree($0, of: company) } == [company, sales])
    }

    @Test func aDepartmentWithUsersOrChildrenIsNotDeleted() throws {
        let fixture = try CRMFixture()
        let departments = fixture.crm.departments
        let sales = try departments.add(name: "Продажи", parentID: nil, by: .user(1)).id
        let moscow = try departments.add(name: "Москва", parentID: sales, by: .user(1)).id
        let anna = try user(fixture, "Анна", ["departmentId": .int(moscow)])
        let withChild = conflict { try departments.delete(sales, by: .user(1)) }
        #expect(withChild?.reason == "inUse")
        #expect(withChild?.details["departments"] == 1)
        let withUser = conflict { try departments.delete(moscow, by: .user(1)) }
        #expect(withUser?.details["users"] == 1)
        _ = try fixture.crm.users.update(anna, ["departmentId": .null], by: .user(1))
        #expect(try departments.delete(moscow, by: .user(1))["deleted"] == true)
        #expect(try departments.delete(sales, by: .user(1))["deleted"] == true)
        #expect(try departments.list()["items"]?.arrayValue?.isEmpty == true)
    }

    // MARK: - Tokens and identities

    @Test func aTokenIsShownOnceAndStoredAsItsHash() throws {
        let fixture = try CRMFixture()
        let anna = try user(fixture, "Анна")
        let token = try fixture.crm.tokens.add(userID: anna, name: "bridge", expiresAt: nil, scopes: ["lead:read"], by: .user(1))
        let secret = try #require(token["token"]?.stringValue)
        #expect(secret.hasPrefix("crmd_\(token.id)_"))
        let stored = try fixture.crm.pool.read { db in
            try db.queryOne("SELECT hash FROM api_tokens WHERE id = ?", [.integer(token.id)])!.blob("hash")
        }
        #expect(stored == SHA256.hash(Array(secret.utf8)))
        let listed = try #require(fixture.crm.tokens.list(userID: anna)["items"]?.arrayValue?.first)
        #expect(listed["token"] == nil)
        #expect(listed["scopes"] == ["lead:read"])
        let identity = try fixture.crm.access.login(token: secret)
        #expect(identity.userID == anna)
        #expect(identity.source == .token(token.id))
        // One character off, another token's id, or no token form at all.
        var wrong = Array(secret.utf8)
        wrong[wrong.count - 1] = wrong[wrong.count - 1] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(refusal { try fixture.crm.access.login(token: String(decoding: wrong, as: UTF8.self)) } == "tokenUnknown")
        #expect(refusal { try fixture.crm.access.login(token: secret.replacingOccurrences(of: "crmd_\(token.id)_", with: "crmd_99_")) } == "tokenUnknown")
        #expect(refusal { try fixture.crm.access.login(token: "hunter2") } == "tokenUnknown")
    }

    @Test func aTokenEndsWhenItExpiresIsRevokedOrItsUserIsDeactivated() throws {
        let fixture = try CRMFixture()
        let anna = try user(fixture, "Анна")
        let now = fixture.clock.now()
        #expect(invalidValue { try fixture.crm.tokens.add(userID: anna, name: "old", expiresAt: Timestamp.format(now - 1), scopes: nil, by: .user(1)) }!
                == ("expiresAt", "past"))
        let short = try fixture.crm.tokens.add(userID: anna, name: "short", expiresAt: Timestamp.format(now + 60), scopes: nil, by: .user(1))
        let identity = try fixture.crm.access.login(token: short["token"]!.stringValue!)
        try fixture.crm.access.requireCurrent(identity)
        fixture.clock.advance(by: 60)
        #expect(refusal { try fixture.crm.access.requireCurrent(identity) } == "tokenExpired")
        #expect(refusal { try fixture.crm.access.login(token: short["token"]!.stringValue!) } == "tokenExpired")

        let long = try fixture.crm.tokens.add(userID: anna, name: "long", expiresAt: nil, scopes: nil, by: .user(1))
        let signedIn = try fixture.crm.access.login(token: long["token"]!.stringValue!)
        let before = fixture.crm.accessGeneration.value
        _ = try fixture.crm.tokens.revoke(long.id, by: .user(1))
        #expect(fixture.crm.accessGeneration.value != before, "a revocation makes sessions check again")
        #expect(refusal { try fixture.crm.access.refresh(signedIn, ownerUID: 0) } == "tokenRevoked")

        let third = try fixture.crm.tokens.add(userID: anna, name: "third", expiresAt: nil, scopes: nil, by: .user(1))
        let thirdIdentity = try fixture.crm.access.login(token: third["token"]!.stringValue!)
        _ = try fixture.crm.users.deactivate(anna, by: .user(1))
        #expect(refusal { try fixture.crm.access.refresh(thirdIdentity, ownerUID: 0) } == "userInactive")
        #expect(refusal { try fixture.crm.access.login(token: third["token"]!.stringValue!) } == "userInactive")
        #expect(invalidValue { try fixture.crm.tokens.add(userID: anna, name: "x", expiresAt: nil, scopes: nil, by: .user(1)) }! == ("userId", "inactiveUser"))
    }

    @Test func aSocketPeerIsTheUserMappedToItsUidOrRefused() throws {
        let fixture = try CRMFixture()
        let owner: UInt32 = 500
        #expect(try fixture.crm.access.identity(unixUser: owner, ownerUID: owner).userID == 1)
        #expect(refusal { try fixture.crm.access.identity(unixUser: 1001, ownerUID: owner) } == "unmappedUnixUser")
        #expect(refusal { try fixture.crm.access.identity(unixUser: nil, ownerUID: owner) } == "unknownPeer")
        let anna = try user(fixture, "Анна", ["unixUser": 1001])
        #expect(try fixture.crm.access.identity(unixUser: 1001, ownerUID: owner) == Identity(userID: anna, departmentID: nil, source: .unixUser(1001)))
        // A mapping wins over being the owner: the owner's uid can be given to another user.
        _ = try fixture.crm.users.update(anna, ["unixUser": .int(Int64(owner))], by: .user(1))
        #expect(try fixture.crm.access.identity(unixUser: owner, ownerUID: owner).userID == anna)
        // The setting lets unmapped uids in as a named user.
        let guest = try user(fixture, "Гость")
        _ = try fixture.crm.settings.update(["unmappedUnixUsers": .int(guest)], by: .user(1))
        #expect(try fixture.crm.access.identity(unixUser: 2002, ownerUID: owner) == Identity(userID: guest, departmentID: nil, source: .unmappedUnixUser(2002)))
        #expect(invalidValue { try fixture.crm.settings.update(["unmappedUnixUsers": 999], by: .user(1)) }! == ("unmappedUnixUsers", "unknownUser"))
    }
}

import CRM
@testable import CRMAPI
import Foundation
import JSONKit
import Testing

/// Every method against its schema: params validated before anything runs, results that
/// match their schemas (the server checks them in these tests), errors with their data.
@Suite struct MethodContractTests {
    @Test func everySchemaHasAMethodAndEveryMethodASchema() throws {
        let server = try InProcessServer()
        let discover = try server.client.call("rpc.discover")
        let names = discover["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.schemasDirectory + "/methods")
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        #expect(Set(names) == Set(files))
        #expect(names.count == files.count)
        #expect(discover["openrpc"] == "1.3.2")
        #expect(!discover.text.contains("../"))
        let leadAdd = discover["methods"]?.arrayValue?.first { $0["name"] == "lead.add" }
        #expect(leadAdd?["paramStructure"] == "by-name")
        #expect(leadAdd?["params"]?.arrayValue?.first { $0["name"] == "fields" }?["required"] == true)
        #expect(leadAdd?["errors"]?.arrayValue?.contains { $0["code"] == 1001 } == true)
        #expect(discover["components"]?["schemas"]?["Lead"] != nil)
    }

    static var schemasDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas").path
    }

    /// A definition damaged in the file is crmd's fault, not the caller's: -32603, whatever the method.
    @Test func damagedStoredDefinitionsAreInternalErrors() throws {
        let server = try InProcessServer()
        let rule = try server.client.call("automation.add", ["entityType": "lead", "stageId": "NEW", "trigger": "enter",
                                                              "action": ["type": "comment", "text": "Позвонить"]])
        let ruleID = try #require(rule["id"]?.int64Value)
        try server.crm.pool.write { db in try db.execute("UPDATE automation_rules SET action = '{\"type\":\"teleport\"}' WHERE id = \(ruleID)") }
        // Before, an unknown action type read back as 1007 (the caller's mistake) or the robot was skipped.
        #expect(try server.error("automation.get", ["id": .int(ruleID)])["code"] == -32603)
        #expect(try server.error("automation.list", [:])["code"] == -32603)
        #expect(try server.error("lead.add", ["fields": InProcessServer.completeLead])["code"] == -32603)
        #expect(try server.client.call("lead.list", [:])["items"] == [])
    }

    @Test func paramsAreValidatedBeforeAnythingRuns() throws {
        let server = try InProcessServer()
        let error = try server.error("lead.add", ["fields": ["phones": "x", "title": 5, "bogus": 1]])
        #expect(error["code"] == -32602)
        let paths = Set(error["data"]?["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
        #expect(paths == ["/fields/phones", "/fields/title", "/fields/bogus"])
        #expect(try server.error("lead.get", ["id": "1"])["code"] == -32602)
        #expect(try server.error("lead.get", [:])["data"]?["errors"]?.arrayValue?.first?["path"] == "/id")
        #expect(try server.error("lead.list", ["filter": ["drop table": 1]])["code"] == -32602)
        #expect(try server.error("nope.nope", [:])["code"] == -32601)
        let positional = try server.client.request("lead.get", [1])
        #expect(positional["error"]?["code"] == -32602)
        #expect(try server.client.call("lead.list", [:])["items"] == [])
    }

    @Test func applicationErrorsCarryTheirData() throws {
        let server = try InProcessServer()
        let missing = try server.error("lead.add", ["fields": ["title": "Звонок"]])
        #expect(missing["code"] == 1001)
        #expect(missing["data"] == ["entityType": "lead", "id": .null, "stageId": "NEW", "missing": [
            ["field": "phones", "title": "Телефон"], ["field": "emails", "title": "E-mail"],
            ["field": "city", "title": "Город"], ["field": "topic", "title": "Интересующая тема"],
        ]])
        #expect(try server.error("lead.get", ["id": 42])["data"] == ["entityType": "lead", "id": 42])
        let lead = try server.client.call("lead.add", ["fields": InProcessServer.completeLead])
        let stale = try server.error("lead.update", ["id": lead["id"]!, "fields": ["city": "Тверь"], "expectedVersion": 7])
        #expect(stale["code"] == 1005)
        #expect(stale["data"]?["reason"] == "version")
        let invalid = try server.error("lead.update", ["id": lead["id"]!, "fields": ["assignedTo": 5]])
        #expect(invalid["data"] == ["field": "assignedTo", "reason": "unknownUser"])
        let unknownFilter = try server.error("lead.list", ["filter": ["nope": 1]])
        #expect(unknownFilter["data"]?["errors"] == [["path": "/filter/nope", "message": "unknown field 'nope'"]])
    }

    @Test func theFunnelScenarioS1toS4MatchesEverySchema() throws {
        let server = try InProcessServer()
        let c = server.client
        let user = try c.call("user.add", ["fields": ["name": "Мария Менеджер", "email": "maria@example.ru"]])
        #expect(try c.call("user.list")["items"]?.arrayValue?.count == 2)
        #expect(try c.call("user.get", ["id": user["id"]!]) == user)
        _ = try c.call("field.add", ["entityType": "lead", "code": "site_area", "title": "Площадь объекта", "type": "decimal"])
        _ = try c.call("field.add", ["entityType": "lead", "code": "kind", "title": "Тип объекта", "type": "enum", "options": ["офис", "склад"]])
        #expect(try c.call("field.list", ["entityType": "lead"])["items"]?.arrayValue?.count == 2)
        _ = try c.call("stage.update", ["pipelineId": 1, "stageId": "MEETING_SCHEDULED", "requiredFields": ["custom.site_area"]])
        var fields = InProcessServer.completeLead
        if case .object(var object) = fields {
            object["assignedTo"] = user["id"]!
            fields = .object(object)
        }
        let lead = try c.call("lead.add", ["fields": fields, "idempotencyKey": "call-1"])
        #expect(try c.call("lead.add", ["fields": fields, "idempotencyKey": "call-1"]) == lead)
        let id = lead["id"]!
        _ = try c.call("lead.update", ["id": id, "fields": ["stageId": "QUALIFICATION"], "expectedVersion": 1])
        let refused = try server.error("lead.update", ["id": id, "fields": ["stageId": "CONSENT"]])
        #expect(refused["data"]?["missing"] == [["field": "custom.site_area", "title": "Площадь объекта"]])
        let moved = try c.call("lead.update", ["id": id, "fields": ["stageId": "CONSENT", "custom": ["site_area": "120.5", "kind": "склад"]]])
        #expect(moved["stageId"] == "CONSENT")
        _ = try c.call("comment.add", ["entityType": "lead", "id": id, "text": "Клиент согласен"])
        let timeline = try c.call("timeline.list", ["entityType": "lead", "id": id, "limit": 2])
        #expect(timeline["items"]?.arrayValue?.map { $0["type"] } == ["comment", "stageChanged"])
        #expect(timeline["next"]?.stringValue != nil)
        let more = try c.call("timeline.list", ["entityType": "lead", "id": id, "cursor": timeline["next"]!])
        #expect(more["items"]?.arrayValue?.map { $0["type"] } == ["stageChanged", "created"])
        #expect(timeline["items"]?.arrayValue?.last?["data"]?["changes"]?.arrayValue?.count == 2)
        let page = try c.call("lead.list", ["filter": [">=custom.site_area": "100", "%city": "МОСК"], "order": [["stageId": "asc"], ["createdAt": "desc"]],
                                            "select": ["title", "custom.kind"], "count": true])
        #expect(page["items"] == [["id": id, "title": "Монтаж", "custom": ["kind": "склад"]]])
        #expect(page["total"] == 1)
        let fieldsMap = try c.call("lead.fields")
        #expect(fieldsMap["custom.kind"]?["options"] == ["офис", "склад"])
        let pipeline = try c.call("pipeline.add", ["entityType": "lead", "title": "Партнёры"])
        let pipelineID = pipeline["id"]!
        _ = try c.call("stage.add", ["pipelineId": pipelineID, "title": "Проверка", "sort": 15])
        #expect(try c.call("pipeline.list", ["entityType": "lead"])["items"]?.arrayValue?.count == 2)
        let info = try c.call("server.info")
        #expect(info["schemaVersion"]?.intValue == CRMMigrations.all.last?.version)
        #expect(try c.call("lead.delete", ["id": id]) == ["id": id, "deleted": true])
    }
}

@Suite struct ResultValidationTests {
    /// The result check the other tests rely on does reject a result that breaks its schema.
    @Test func aWrongResultIsCaught() throws {
        let server = try InProcessServer()
        let handler = try CRMHandler(crm: server.crm, validateResults: true)
        let uri = "https://schemas.crmd.dev/methods/lead.get.json#/$defs/result"
        #expect(try !handler.schemas.validate(["id": 1], against: uri).isEmpty)
        let lead = try server.client.call("lead.add", ["fields": InProcessServer.completeLead])
        #expect(try handler.schemas.validate(lead, against: uri).isEmpty)
    }
}

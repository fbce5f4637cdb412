import CRMAPI
import JSONKit
import Testing

/// Custom field codes are named like every other field (camelCase allowed) and cannot differ
/// from another field's code only in letter case.
@Suite struct CustomFieldCodeTests {
    @Test func camelCaseCodesWorkEverywhereAFieldIsNamed() throws {
        let server = try InProcessServer()
        let c = server.client
        _ = try c.call("field.add", ["entityType": "lead", "code": "franchiseFormat", "title": "Формат франшизы", "type": "string"])
        var fields = InProcessServer.completeLead.objectValue ?? [:]
        fields["custom"] = ["franchiseFormat": "остров"]
        let lead = try c.call("lead.add", ["fields": .object(fields)])
        #expect(lead["custom"] == ["franchiseFormat": "остров"])
        let found = try c.call("lead.list", ["filter": ["custom.franchiseFormat": "остров"], "select": ["custom.franchiseFormat"]])
        #expect(found["items"] == [["id": lead["id"]!, "custom": ["franchiseFormat": "остров"]]])
        _ = try c.call("stage.update", ["pipelineId": 1, "stageId": "QUALIFICATION", "requiredFields": ["custom.franchiseFormat"]])
    }

    @Test func codesDifferingOnlyInCaseAreOneField() throws {
        let server = try InProcessServer()
        _ = try server.client.call("field.add", ["entityType": "deal", "code": "franchiseFormat", "title": "Формат", "type": "string"])
        let clash = try server.error("field.add", ["entityType": "deal", "code": "franchiseformat", "title": "Формат 2", "type": "string"])
        #expect(clash["code"] == 1005)
        #expect(clash["data"] == ["reason": "exists", "field": "custom.franchiseFormat"])
        // Another entity type keeps its own codes.
        _ = try server.client.call("field.add", ["entityType": "lead", "code": "franchiseformat", "title": "Формат", "type": "string"])
        // Still a code, not any text: it starts with a lowercase letter and has no spaces or dots.
        for bad in ["FranchiseFormat", "franchise format", "franchise.format", "1format"] {
            #expect(try server.error("field.add", ["entityType": "deal", "code": .string(bad), "title": "x", "type": "string"])["code"] == -32602)
        }
    }
}

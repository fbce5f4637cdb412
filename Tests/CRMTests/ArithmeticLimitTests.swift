import JSONKit
import Testing
@testable import CRM

/// Numbers from a call that other arithmetic works on (issue 9): a stage's position and an
/// invoice number's width are bounded, so "after the last stage" and zero-padding cannot trap.
@Suite struct ArithmeticLimitTests {
    @Test func aStagePositionIsBoundedSoTheNextOneFits() throws {
        let fixture = try CRMFixture()
        let pipelines = fixture.crm.pipelines
        let pipeline = try pipelines.add(entityType: .deal, title: "Крупные", stages: nil, by: .user(1))
        for sort in [Int.max, Stage.sortLimit + 1, -Stage.sortLimit - 1] {
            #expect(throws: CRMError.invalidValue(field: "sort", reason: "tooLarge",
                                                  message: "a sort is between -\(Stage.sortLimit) and \(Stage.sortLimit)")) {
                try pipelines.addStage(pipelineID: pipeline.id, input: .init(id: nil, title: "Край", semantic: nil, sort: sort,
                                                                               requiredFields: nil), by: .user(1))
            }
        }
        #expect(throws: CRMError.self) {
            try pipelines.add(entityType: .deal, title: "Ещё", stages: [.init(id: nil, title: "x", semantic: nil, sort: Int.max,
                                                                              requiredFields: nil)], by: .user(1))
        }
        let last = try pipelines.addStage(pipelineID: pipeline.id, input: .init(id: nil, title: "Край", semantic: nil,
                                                                                sort: Stage.sortLimit, requiredFields: nil), by: .user(1))
        let stageID = try #require(last["stages"]?.arrayValue?.last?["id"]?.stringValue)
        let after = try pipelines.addStage(pipelineID: pipeline.id, input: .init(id: nil, title: "За краем", semantic: nil, sort: nil,
                                                                                 requiredFields: nil), by: .user(1))
        #expect(after["stages"]?.arrayValue?.last?["sort"] == .int(Int64(Stage.sortLimit + 10)))
        #expect(throws: CRMError.self) {
            try pipelines.updateStage(pipelineID: pipeline.id, stageID: stageID, title: nil, sort: Int.min, semantic: nil,
                                      requiredFields: nil, by: .user(1))
        }
    }

    @Test(arguments: ["{N:-9223372036854775808}", "{N:5}-{N:99999999999}", "{N:100}", "{N:}", "{N:5", "{NAME}-{N}", "{YYYY}"])
    func aNumberFormatWithABadPlaceholderIsRefused(_ format: String) throws {
        let fixture = try CRMFixture()
        #expect(throws: CRMError.self) { try fixture.crm.settings.update(["invoiceNumberFormat": .string(format)], by: .user(1)) }
    }

    @Test func widthsUpToTwoDigitsPad() {
        #expect(InvoiceNumbering.problem("{YYYY}/{N:99}-{N}") == nil)
        #expect(InvoiceNumbering.render("{YY}-{N:3}/{N}", number: 7, year: "2026") == "26-007/7")
        #expect(InvoiceNumbering.render("{N:2}", number: 12345, year: "2026") == "12345")
        // A stored format from before the check reads an unknown width as none.
        #expect(InvoiceNumbering.render("{N:-9223372036854775808}", number: 7, year: "2026") == "7")
    }
}

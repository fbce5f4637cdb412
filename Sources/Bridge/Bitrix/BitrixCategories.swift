/// Bitrix24's deal categories over crmd's deal pipelines. Bitrix24 calls the default funnel
/// category `0` and writes the stages of any other category `N` as `CN:STAGE`; crmd's
/// pipelines have ids of their own, so the default pipeline is category `0` and any other is
/// its own id. Leads have one funnel in Bitrix24: their stages pass unchanged (`plain`).
struct BitrixCategories: Sendable {
    /// The default deal pipeline; nil for leads, whose stages carry no prefix.
    let defaultPipeline: Int64?

    static let plain = BitrixCategories(defaultPipeline: nil)

    func bitrixStage(_ stage: String, pipelineID: Int64?) -> String {
        guard let defaultPipeline, let pipelineID, pipelineID != defaultPipeline else { return stage }
        return "C\(pipelineID):\(stage)"
    }

    /// `C5:NEW` → pipeline 5, stage NEW; `NEW` → no pipeline named, stage NEW.
    func crmdStage(_ text: String) -> (pipeline: Int64?, stage: String) {
        guard defaultPipeline != nil, text.hasPrefix("C"), let colon = text.firstIndex(of: ":"),
              let pipeline = Int64(text[text.index(after: text.startIndex)..<colon]) else { return (nil, text) }
        return (pipeline, String(text[text.index(after: colon)...]))
    }

    func bitrixCategory(_ pipelineID: Int64?) -> String {
        guard let pipelineID, pipelineID != defaultPipeline else { return "0" }
        return String(pipelineID)
    }

    func crmdPipeline(_ category: String) -> Int64? {
        guard let number = Int64(category.trimmingSpaces), number >= 0 else { return nil }
        return number == 0 ? defaultPipeline : number
    }
}

/// Bitrix24's deal categories over crmd's deal pipelines. Bitrix24 calls the default funnel
/// category `0`; crmd's default deal pipeline has an id of its own, so it is category `0` and
/// any other pipeline is its own id. Stage ids need no translation: crmd already names the
/// stages of a further pipeline N as Bitrix24 names those of category N (`C3:S1`), so a
/// prefixed stage also says which pipeline a deal moves to. Leads have one funnel in
/// Bitrix24 (`plain`: no categories).
struct BitrixCategories: Sendable {
    /// The default deal pipeline; nil for leads.
    let defaultPipeline: Int64?

    static let plain = BitrixCategories(defaultPipeline: nil)

    /// The pipeline a stage id names by its `CN:` prefix, if it has one.
    func pipeline(ofStage stage: String) -> Int64? {
        guard defaultPipeline != nil, stage.hasPrefix("C"), let colon = stage.firstIndex(of: ":") else { return nil }
        return Int64(stage[stage.index(after: stage.startIndex)..<colon])
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

import JSONKit

/// The funnels' stages as Bitrix24's reference lists: `crm.status.list` with
/// `ENTITY_ID` `STATUS` (lead stages), `DEAL_STAGE` (the default deal pipeline) or
/// `DEAL_STAGE_N` (category N), and `crm.dealcategory.stage.list {id}`. Read from
/// `pipeline.list`; `SEMANTICS` is `S` for a won stage, `F` for a lost one, null in progress.
struct BitrixStatuses {
    let session: BitrixSession

    func list(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let filter = Dictionary((parameters["filter"]?.objectValue ?? [:]).map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        guard filter.count == 1, let entityID = filter["ENTITY_ID"].flatMap(BitrixValue.text) else {
            throw .core("crmd lists stages by filter ENTITY_ID: STATUS, DEAL_STAGE or DEAL_STAGE_<category>")
        }
        if entityID == "STATUS" { return BitrixReply(result: try stages(entity: .lead, category: "0", entityID: entityID)) }
        if entityID == "DEAL_STAGE" { return BitrixReply(result: try stages(entity: .deal, category: "0", entityID: entityID)) }
        if entityID.hasPrefix("DEAL_STAGE_") {
            return BitrixReply(result: try stages(entity: .deal, category: String(entityID.dropFirst("DEAL_STAGE_".count)), entityID: entityID))
        }
        throw .core("crmd has no reference list \(entityID)")
    }

    func dealCategoryStages(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let category = parameters["id"].flatMap(BitrixValue.text) ?? "0"
        return BitrixReply(result: try stages(entity: .deal, category: category, entityID: category == "0" ? "DEAL_STAGE" : "DEAL_STAGE_\(category)"))
    }

    private func stages(entity: BitrixEntity, category: String, entityID: String) throws(BitrixError) -> JSON {
        let categories = try session.categories(of: entity)
        let pipelines = try session.call("pipeline.list", ["entityType": .string(entity.crmd)])["items"]?.arrayValue ?? []
        let wanted = entity.hasCategories ? categories.crmdPipeline(category) : nil
        guard let pipeline = pipelines.first(where: { wanted == nil ? $0["isDefault"]?.boolValue == true : $0["id"]?.int64Value == wanted }) else {
            throw .notFound
        }
        return .array((pipeline["stages"]?.arrayValue ?? []).map { stage in
            let id = stage["id"]?.stringValue ?? ""
            let semantic: JSON = switch stage["semantic"]?.stringValue {
            case "success": "S"
            case "failure": "F"
            default: .null
            }
            return ["ID": .string(id), "ENTITY_ID": .string(entityID), "STATUS_ID": .string(id), "NAME": stage["title"] ?? .null,
                    "SORT": .string(String(stage["sort"]?.int64Value ?? 0)), "SYSTEM": "N", "SEMANTICS": semantic,
                    "CATEGORY_ID": entity.hasCategories ? .string(category) : .null]
        })
    }
}

import JSONKit
import JSONRPC

/// One Bitrix24 request's conversation with crmd, as the token's user: every call goes through
/// `BridgeCaller` (schemas, permissions, events, as on the socket). It keeps, for the length
/// of the request only, what several conversions need: an entity's custom fields and the
/// default deal pipeline. Used by one thread at a time.
final class BitrixSession {
    let caller: BridgeCaller
    private var customFields: [String: BitrixCustomFields] = [:]
    private var dealCategories: BitrixCategories?

    init(caller: BridgeCaller) {
        self.caller = caller
    }

    /// A crmd call; its error as Bitrix24 would answer it, with crmd field names turned into
    /// `entity`'s Bitrix24 names.
    func call(_ method: String, _ params: JSON, entity: BitrixEntity? = nil) throws(BitrixError) -> JSON {
        switch caller.call(method, params) {
        case .success(let result): return result
        case .failure(let error): throw BitrixError(error, names: { entity?.bitrixName(of: $0) ?? $0 })
        }
    }

    func customFields(of entity: BitrixEntity) throws(BitrixError) -> BitrixCustomFields {
        guard entity.hasCustomFields else { return BitrixCustomFields(list: [:]) }
        if let known = customFields[entity.crmd] { return known }
        let fields = BitrixCustomFields(list: try call("field.list", ["entityType": .string(entity.crmd)]))
        customFields[entity.crmd] = fields
        return fields
    }

    func categories(of entity: BitrixEntity) throws(BitrixError) -> BitrixCategories {
        guard entity.hasCategories else { return .plain }
        if let known = dealCategories { return known }
        let pipelines = try call("pipeline.list", ["entityType": .string(entity.crmd)])["items"]?.arrayValue ?? []
        let defaultID = pipelines.first { $0["isDefault"]?.boolValue == true }?["id"]?.int64Value
        let categories = BitrixCategories(defaultPipeline: defaultID ?? 0)
        dealCategories = categories
        return categories
    }
}

import CRM
import JSONKit

/// `lead.convert` (S9–S12).
enum ConversionMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("lead.convert") { params, context in
                var request = ConversionRequest(leadID: try params.int64("id"))
                if let scheme = try params.optionalString("scheme").flatMap(ConversionRequest.Scheme.init(rawValue:)) { request.scheme = scheme }
                request.createMissingFields = try params.bool("createMissingFields", default: false)
                request.contact = try decision(params, "contact")
                request.company = try decision(params, "company")
                if let deal = try params.optionalObject("deal").map(Params.init) {
                    request.dealPipelineID = try deal.optionalInt64("pipelineId")
                    request.dealFields = try deal.optionalObject("fields") ?? [:]
                }
                return try crm.conversion.convert(request, by: context.caller)
            },
        ]
    }

    private static func decision(_ params: Params, _ key: String) throws -> ConversionRequest.Decision? {
        guard let decision = try params.optionalObject(key).map(Params.init) else { return nil }
        switch (try decision.string("action"), try decision.optionalInt64("id")) {
        case ("create", _): return .create
        case ("use", let id?): return .use(id)
        case ("merge", let id?): return .merge(id)
        default: throw CRMError.invalidParam("/\(key)", "a decision is {action: create} or {action: use|merge, id}")
        }
    }
}

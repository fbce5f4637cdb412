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
                request.contact = try decision(params["contact"])
                request.company = try decision(params["company"])
                if let deal = params["deal"] {
                    request.dealPipelineID = deal["pipelineId"]?.int64Value
                    request.dealFields = deal["fields"]?.objectValue ?? [:]
                }
                return try crm.conversion.convert(request, by: context.caller)
            },
        ]
    }

    private static func decision(_ json: JSON?) throws -> ConversionRequest.Decision? {
        guard let json, json != .null else { return nil }
        let id = json["id"]?.int64Value
        switch (json["action"]?.stringValue, id) {
        case ("create"?, _): return .create
        case ("use"?, let id?): return .use(id)
        case ("merge"?, let id?): return .merge(id)
        default: throw CRMError.invalidParam("/contact", "a decision is {action: create} or {action: use|merge, id}")
        }
    }
}

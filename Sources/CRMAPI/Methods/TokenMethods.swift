import CRM
import JSONKit

/// `token.*`: API tokens by which a connection signs in as a user (`session.login`).
enum TokenMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("token.add") { params, context in
                try crm.tokens.add(userID: try params.int64("userId"), name: try params.string("name"),
                                   expiresAt: try params.optionalString("expiresAt"), scopes: try params.stringList("scopes"),
                                   by: context.caller)
            },
            Method("token.list") { params, context in
                try crm.tokens.list(userID: try params.optionalInt64("userId"), access: context.access)
            },
            Method("token.revoke") { params, context in try crm.tokens.revoke(try params.int64("id"), by: context.caller) },
        ]
    }
}

import CRM
import JSONKit

/// `session.*`: who the connection acts as.
enum SessionMethods {
    static func all(_ crm: CRM, notifications: NotificationHub) -> [Method] {
        [
            // Switches the connection to the token's user; a refused token leaves the session as it was.
            Method("session.login") { params, context in
                let generation = crm.accessGeneration.value
                let identity = try crm.access.login(token: try params.string("token"))
                context.session.switchIdentity(to: identity, generation: generation)
                notifications.register(context.connection, userID: identity.userID)
                guard case .token(let tokenID) = identity.source else { return .null }
                return [
                    "user": try crm.users.get(identity.userID), "tokenId": .int(tokenID),
                    "expiresAt": identity.expiresAt.map { .string(Timestamp.format($0)) } ?? .null,
                ]
            },
        ]
    }
}

import CRM
import JSONKit

/// `server.info` and `rpc.discover`.
enum ServerMethods {
    static func all(_ crm: CRM, version: String, startedAt: Int64, discover: JSON) -> [Method] {
        [
            Method("server.info") { _, _ in
                let now = crm.clock.now()
                return [
                    "name": "crmd", "version": .string(version), "schemaVersion": .int(crm.pool.schemaVersion),
                    "databasePath": .string(crm.pool.path), "startedAt": .string(Timestamp.format(startedAt)),
                    "uptimeMs": .int(max(0, now - startedAt) * 1000),
                ]
            },
            Method("rpc.discover") { _, _ in discover },
        ]
    }
}

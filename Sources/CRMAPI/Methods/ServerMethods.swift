import CRM
import Dispatch
import JSONKit

/// `server.info` and `rpc.discover`.
enum ServerMethods {
    static func all(_ crm: CRM, version: String, startedAt: Int64, discover: JSON) -> [Method] {
        let started = DispatchTime.now().uptimeNanoseconds
        return [
            Method("server.info") { _, _ in
                let uptime = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
                return [
                    "name": "crmd", "version": .string(version), "schemaVersion": .int(crm.pool.schemaVersion),
                    "databasePath": .string(crm.pool.path), "startedAt": .string(Timestamp.format(startedAt)),
                    "uptimeMs": .int(Int64(uptime)),
                ]
            },
            Method("rpc.discover") { _, _ in discover },
        ]
    }
}

import CRM
import Foundation
import JSONKit

/// Settings read from the config file (`crmd.json`); a missing file means the defaults.
struct ServerConfiguration {
    var maxMessageSize = 16 << 20
    var synchronousFull = true
    /// `{"registry": {"source": "online", "url": "...", "token": "...", "timeoutSeconds": 5}}`; offline by default.
    var registry: RegistrySource.Choice = .offline

    static func load(path: String) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        guard FileManager.default.fileExists(atPath: path) else { return configuration }
        let json = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        if let size = json["maxMessageSize"]?.intValue, size >= 1024 { configuration.maxMessageSize = size }
        if let synchronous = json["synchronous"]?.stringValue {
            guard synchronous == "full" || synchronous == "normal" else {
                throw ServeOptions.UsageError(description: "synchronous must be \"full\" or \"normal\"")
            }
            configuration.synchronousFull = synchronous == "full"
        }
        if let registry = json["registry"], registry["source"]?.stringValue == "online" {
            guard let url = registry["url"]?.stringValue, let token = registry["token"]?.stringValue else {
                throw ServeOptions.UsageError(description: "an online registry needs url and token")
            }
            configuration.registry = .online(url: url, token: token, timeoutSeconds: registry["timeoutSeconds"]?.intValue ?? 5)
        }
        return configuration
    }
}

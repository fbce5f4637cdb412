import Bridge
import CRM
import Foundation
import JSONKit
import JSONRPC

/// Settings read from the config file (`crmd.json`). The default file may be missing (the
/// defaults apply); a file named by `--config` must exist. Every key is checked: an unknown key,
/// a value of the wrong type or out of range is a `ConfigurationError` naming the key.
struct ServerConfiguration {
    var maxMessageSize = 16 << 20
    /// `maxConnections`, `maxConnectionsPerUser`, `idleTimeoutSeconds` and
    /// `partialMessageTimeoutSeconds` (0: never), `stopDeadlineSeconds`: the socket's limits.
    var connections = RPCServerConfiguration()
    var synchronousFull = true
    /// `{"registry": {"source": "online", "url": "...", "token": "...", "timeoutSeconds": 5}}`; offline by default.
    var registry: RegistrySource.Choice = .offline
    /// `{"mail": {"sendmailPath": "/usr/sbin/sendmail"}}`, `{"sms": {"commandPath": "/usr/local/bin/send-sms"}}`, `{"importDirs": ["/srv/crmd/import"]}`, `{"exportDirs": ["/srv/crmd/1c"]}` and
    /// `{"fontDirs": ["/usr/share/fonts"]}`: what only this file sets, never the API.
    var local = LocalConfiguration()
    /// `{"bridge": {"address": "127.0.0.1:8080", "allowedOrigins": [...], "corsOrigins": [...],
    /// "webRoot": "/abs/dir", "maxConnections": N, "idleTimeoutSeconds": N, "requestTimeoutSeconds": N,
    /// "maxBodyBytes": N}}`: the HTTP bridge's settings; `address` turns it on (as `--http` does).
    var bridge = BridgeConfiguration()
    /// The config file named a bridge address.
    var bridgeAddressGiven = false

    /// A config file that cannot be used, with the file and the key in its description.
    struct ConfigurationError: Error, CustomStringConvertible {
        let description: String
    }

    /// The configuration in `path`; `required` (the path was given with `--config`) makes a
    /// missing file an error, else a missing file means the defaults.
    static func load(path: String, required: Bool) throws(ConfigurationError) -> ServerConfiguration {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigurationError(description: "config file \(path) does not exist") }
            return ServerConfiguration()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(description: "cannot read the config file \(path): \(String(cString: strerror(errno)))")
        }
        let json: JSON
        do {
            json = try JSON.parse(Array(data))
        } catch {
            throw ConfigurationError(description: "config file \(path) is not valid JSON: \(error)")
        }
        do {
            return try parse(json)
        } catch {
            throw ConfigurationError(description: "config file \(path): \(error.description)")
        }
    }

    /// The configuration in a parsed config file.
    static func parse(_ json: JSON) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        var file = try Keys(json, at: nil)
        if let size = try file.int("maxMessageSize", minimum: 1024) { configuration.maxMessageSize = size }
        if let count = try file.int("maxConnections", minimum: 1) { configuration.connections.maxConnections = count }
        if let count = try file.int("maxConnectionsPerUser", minimum: 1) { configuration.connections.maxConnectionsPerUser = count }
        if let seconds = try file.int("idleTimeoutSeconds", minimum: 0) {
            configuration.connections.idleTimeout = seconds == 0 ? nil : .seconds(seconds)
        }
        if let seconds = try file.int("partialMessageTimeoutSeconds", minimum: 0) {
            configuration.connections.partialMessageTimeout = seconds == 0 ? nil : .seconds(seconds)
        }
        if let seconds = try file.int("stopDeadlineSeconds", minimum: 1) { configuration.connections.stopDeadline = .seconds(seconds) }
        if let synchronous = try file.string("synchronous", oneOf: ["full", "normal"]) {
            configuration.synchronousFull = synchronous == "full"
        }
        if var registry = try file.object("registry") {
            let source = try registry.string("source", oneOf: ["offline", "online"])
            let url = try registry.string("url")
            let token = try registry.string("token")
            let timeout = try registry.int("timeoutSeconds", minimum: 1)
            try registry.rejectUnknown()
            if source == "online" {
                guard let url, let token else {
                    throw ConfigurationError(description: "\"registry\": an online registry needs \"url\" and \"token\"")
                }
                configuration.registry = .online(url: url, token: token, timeoutSeconds: timeout ?? 5)
            }
        }
        if var mail = try file.object("mail") {
            if let path = try mail.string("sendmailPath") {
                guard path.hasPrefix("/") else {
                    throw ConfigurationError(description: "\"mail.sendmailPath\" must be an absolute path, not \(JSON.string(path).text)")
                }
                configuration.local.sendmailPath = path
            }
            try mail.rejectUnknown()
        }
        if var sms = try file.object("sms") {
            if let path = try sms.string("commandPath") {
                guard path.hasPrefix("/") else {
                    throw ConfigurationError(description: "\"sms.commandPath\" must be an absolute path, not \(JSON.string(path).text)")
                }
                configuration.local.smsCommandPath = path
            }
            try sms.rejectUnknown()
        }
        if let directories = try file.stringArray("importDirs") {
            try checkDirectories(directories, key: "importDirs")
            configuration.local.importDirectories = directories
        }
        if let directories = try file.stringArray("exportDirs") {
            try checkDirectories(directories, key: "exportDirs")
            configuration.local.exportDirectories = directories
        }
        if let directories = try file.stringArray("fontDirs") {
            try checkDirectories(directories, key: "fontDirs")
            configuration.local.fontDirectories = directories
        }
        if var bridge = try file.object("bridge") {
            if let address = try bridge.string("address") {
                configuration.bridge.address = address
                configuration.bridgeAddressGiven = true
            }
            if let origins = try bridge.stringArray("allowedOrigins") { configuration.bridge.allowedOrigins = Set(origins) }
            if let origins = try bridge.stringArray("corsOrigins") { configuration.bridge.corsOrigins = Set(origins) }
            if let root = try bridge.string("webRoot") {
                try checkDirectories([root], key: "bridge.webRoot")
                configuration.bridge.webRoot = root
            }
            if let count = try bridge.int("maxConnections", minimum: 1) { configuration.bridge.maxConnections = count }
            if let seconds = try bridge.int("idleTimeoutSeconds", minimum: 1) { configuration.bridge.idleTimeout = .seconds(seconds) }
            if let seconds = try bridge.int("requestTimeoutSeconds", minimum: 1) { configuration.bridge.requestTimeout = .seconds(seconds) }
            if let bytes = try bridge.int("maxBodyBytes", minimum: 1024) { configuration.bridge.maxBodyBytes = bytes }
            try bridge.rejectUnknown()
        }
        try file.rejectUnknown()
        return configuration
    }

    /// What the JSON-RPC server is given: the message size and connection limits.
    var rpcServer: RPCServerConfiguration {
        var server = connections
        server.maxMessageSize = maxMessageSize
        return server
    }

    private static func checkDirectories(_ directories: [String], key name: String) throws(ConfigurationError) {
        for (index, directory) in directories.enumerated() {
            let key = "\(name)[\(index)]"
            guard directory.hasPrefix("/") else {
                throw ConfigurationError(description: "\"\(key)\" must be an absolute path, not \(JSON.string(directory).text)")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError(description: "\"\(key)\": \(directory) is not a directory")
            }
        }
    }

    /// The keys of one object of the file: each read names its key, and `rejectUnknown` refuses
    /// whatever was not read.
    private struct Keys {
        let object: [String: JSON]
        let path: String?
        var known: [String] = []

        init(_ json: JSON, at path: String?) throws(ConfigurationError) {
            guard let object = json.objectValue else {
                throw ConfigurationError(description: "\(path.map { "\"\($0)\"" } ?? "the file") must be a JSON object, not \(json.typeName)")
            }
            self.object = object
            self.path = path
        }

        private func name(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }

        private func wrongType(_ key: String, _ expected: String, _ value: JSON) -> ConfigurationError {
            // A secret's value is never echoed, even a wrong one.
            let shown = key == "token" ? "a value of type \(value.typeName)" : value.text
            return ConfigurationError(description: "\"\(name(key))\" must be \(expected), not \(shown)")
        }

        mutating func value(_ key: String) -> JSON? {
            known.append(key)
            return object[key]
        }

        mutating func int(_ key: String, minimum: Int) throws(ConfigurationError) -> Int? {
            guard let value = value(key) else { return nil }
            guard let number = value.intValue, number >= minimum else {
                throw wrongType(key, "an integer of at least \(minimum)", value)
            }
            return number
        }

        mutating func string(_ key: String, oneOf options: [String]? = nil) throws(ConfigurationError) -> String? {
            guard let value = value(key) else { return nil }
            guard let text = value.stringValue, options?.contains(text) ?? true else {
                throw wrongType(key, options.map { "one of " + $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "a string", value)
            }
            return text
        }

        mutating func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
            guard let value = value(key) else { return nil }
            guard let items = value.arrayValue else { throw wrongType(key, "an array of strings", value) }
            var strings: [String] = []
            for item in items {
                guard let text = item.stringValue else { throw wrongType(key, "an array of strings", value) }
                strings.append(text)
            }
            return strings
        }

        mutating func object(_ key: String) throws(ConfigurationError) -> Keys? {
            guard let value = value(key) else { return nil }
            return try Keys(value, at: name(key))
        }

        func rejectUnknown() throws(ConfigurationError) {
            guard let unknown = object.keys.filter({ !known.contains($0) }).sorted().first else { return }
            throw ConfigurationError(description: "unknown key \"\(name(unknown))\" (known keys"
                + (path.map { " of \"\($0)\"" } ?? "") + ": " + known.sorted().joined(separator: ", ") + ")")
        }
    }
}

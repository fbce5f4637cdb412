import Foundation

/// The command line: `crmd serve [--stdio] [--socket PATH] [--db PATH] [--config PATH]`,
/// `crmd backup --to FILE [--db PATH]`, `crmd check [--db PATH]`, with the default paths of
/// API.md ("Running").
struct ServeOptions {
    /// What to do: serve (the default), copy the database, or check it.
    enum Command: Equatable {
        case serve
        case backup(to: String)
        case check
    }

    var command = Command.serve
    var stdio = false
    var databasePath: String
    var socketPath: String
    var configPath: String
    /// The config file was named by `--config` (so it must exist).
    var configGiven = false
    var showHelp = false
    var showVersion = false
    /// `--http ADDR`: also serve the HTTP bridge there.
    var httpAddress: String?
    /// `crmd bridge`: serve with the bridge on (at the config file's address, else 127.0.0.1:8080).
    var bridge = false
    /// `--web DIR`: serve the web client from DIR rather than the embedded copy.
    var webRoot: String?
    /// `--allow-origin ORIGIN`: another origin whose pages may call the bridge.
    var allowedOrigins: [String] = []
    /// `--cors-origin ORIGIN`: an origin given CORS headers.
    var corsOrigins: [String] = []

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = """
        usage: crmd serve [--stdio | --socket PATH] [--db PATH] [--config PATH] [--http ADDR [BRIDGE OPTIONS]]
               crmd bridge [--http ADDR] [--socket PATH] [--db PATH] [--config PATH] [BRIDGE OPTIONS]
               crmd backup --to FILE [--db PATH]
               crmd check [--db PATH]
               crmd --version

          --stdio        serve one client on stdin/stdout (logs go to stderr)
          --socket PATH  serve any number of clients on a Unix socket (mode 0600)
          --db PATH      the SQLite database (env CRMD_DB; default $XDG_DATA_HOME/crmd/crmd.sqlite)
          --config PATH  config file (default crmd.json next to the database, if there)
          --http ADDR    also serve the HTTP bridge on HOST:PORT (POST /rpc, WebSocket /rpc, /i/ invoice
                         pages, the web client, /rest/ Bitrix24 facade, the 1C exchange); loopback
                         unless another address is given; port 0 picks a free one
          bridge         serve with the bridge on (--http 127.0.0.1:8080 unless given)
          --web DIR      serve the web client from DIR instead of the copy built into crmd
          --allow-origin ORIGIN  another origin (scheme://host:port) whose pages may call the bridge
          --cors-origin ORIGIN   an origin given CORS headers (allowed too)
          backup         write a consistent copy of the database to FILE (a new file, mode 0600)
                         while the server runs; restore: stop the server, put FILE in place of the
                         database (removing its -wal and -shm files), start it again
          check          check the database's integrity and foreign keys; exit 1 if anything is wrong
        """

    static func parse(_ arguments: [String], environment: [String: String]) throws -> ServeOptions {
        var rest = arguments[...]
        var stdio = false, help = false, version = false
        var db: String?, socket: String?, config: String?, backupTarget: String?
        var bridge = false, http: String?, web: String?, allowed: [String] = [], cors: [String] = []
        var command = Command.serve
        switch rest.first {
        case "serve": rest = rest.dropFirst()
        case "bridge": bridge = true; rest = rest.dropFirst()
        case "backup": command = .backup(to: ""); rest = rest.dropFirst()
        case "check": command = .check; rest = rest.dropFirst()
        default: break
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--to" where command != .serve && command != .check: backupTarget = try value(for: argument, &rest)
            case "--stdio": stdio = true
            case "--socket": socket = try value(for: argument, &rest)
            case "--db": db = try value(for: argument, &rest)
            case "--config": config = try value(for: argument, &rest)
            case "--http": http = try value(for: argument, &rest)
            case "--web": web = try value(for: argument, &rest)
            case "--allow-origin": allowed.append(try value(for: argument, &rest))
            case "--cors-origin": cors.append(try value(for: argument, &rest))
            case "-h", "--help", "help": help = true
            case "--version", "version": version = true
            default: throw UsageError(description: "unknown argument '\(argument)'")
            }
        }
        if stdio && socket != nil { throw UsageError(description: "--stdio and --socket exclude each other") }
        if case .backup = command {
            guard let backupTarget else { throw UsageError(description: "backup needs --to FILE") }
            command = .backup(to: backupTarget)
        }
        if command != .serve && (stdio || socket != nil || config != nil || http != nil) {
            throw UsageError(description: "--stdio, --socket, --config and --http belong to serve")
        }
        if bridge && stdio { throw UsageError(description: "the bridge serves a socket, not stdio") }
        if http == nil && (web != nil || !allowed.isEmpty || !cors.isEmpty) && !bridge {
            throw UsageError(description: "--web, --allow-origin and --cors-origin need --http or crmd bridge")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        let databasePath = db ?? environment["CRMD_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? dataHome + "/crmd/crmd.sqlite"
        let databaseDirectory = (databasePath as NSString).deletingLastPathComponent
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        var options = ServeOptions(
            databasePath: databasePath,
            socketPath: socket ?? runtime.map { $0 + "/crmd.sock" } ?? databaseDirectory + "/crmd.sock",
            configPath: config ?? databaseDirectory + "/crmd.json")
        options.command = command
        options.stdio = stdio
        options.configGiven = config != nil
        options.showHelp = help
        options.showVersion = version
        options.httpAddress = http
        options.bridge = bridge
        options.webRoot = web
        options.allowedOrigins = allowed
        options.corsOrigins = cors
        return options
    }

    private static func value(for option: String, _ rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst(), !value.hasPrefix("--") else { throw UsageError(description: "\(option) needs a value") }
        return value
    }
}

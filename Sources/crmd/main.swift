import Bridge
import CRM
import CRMAPI
import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

// crmd: parse the command line, protect stdout, lock and open the database, serve.

// First of all, before anything can start a thread: SIGINT and SIGTERM are blocked, so every
// thread inherits the mask and one thread takes them with sigwait once the server serves. A
// signal sent while crmd starts stays pending until then; none is lost.
StopSignals.block()

let arguments = Array(CommandLine.arguments.dropFirst())
let options: ServeOptions
do {
    options = try ServeOptions.parse(arguments, environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("crmd: \(error)\n\n\(ServeOptions.usage)\n".utf8))
    exit(2)
}
if options.showHelp {
    print(ServeOptions.usage)
    exit(0)
}
if options.showVersion {
    print("crmd \(CRMHandler.version)")
    exit(0)
}
// backup and check read beside a running server: they take neither the lock nor anything else
// of the server's.
switch options.command {
case .serve: break
case .backup(let target): exit(MaintenanceCommand.backup(database: options.databasePath, to: target))
case .check: exit(MaintenanceCommand.check(database: options.databasePath))
}

// From here on stdout belongs to the protocol (with --stdio) or to nobody: a stray print
// goes to stderr and cannot corrupt a reply. The protocol's copy is close-on-exec, so a
// program crmd runs cannot hold a client's pipe open.
let protocolOutput = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)
dup2(STDERR_FILENO, STDOUT_FILENO)
signal(SIGPIPE, SIG_IGN)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
    exit(1)
}

let configuration: ServerConfiguration
do {
    configuration = try ServerConfiguration.load(path: options.configPath, required: options.configGiven)
} catch {
    FileHandle.standardError.write(Data("crmd: \(error)\n".utf8))
    exit(2)
}
// Whatever crmd creates is its user's alone: directories 0700, files 0600 (Storage and the
// socket set their modes themselves too; the umask covers any other file).
umask(0o077)
do {
    try PrivateDirectory.create((options.databasePath as NSString).deletingLastPathComponent)
} catch {
    fail("cannot create the database directory: \(error)")
}
// One server per database; the lock is held until the process exits.
do {
    try DatabaseLock.acquire(database: options.databasePath)
} catch {
    fail("\(error)")
}

let crm: CRM
let handler: CRMHandler
do {
    var local = configuration.local
    local.spoolDirectory = (options.databasePath as NSString).deletingLastPathComponent + "/spool"
    crm = try CRM(path: options.databasePath, synchronousFull: configuration.synchronousFull, local: local)
    crm.registry.select(configuration.registry)
    handler = try CRMHandler(crm: crm)
} catch {
    fail("cannot open the database \(options.databasePath): \(SystemError.database(error, path: options.databasePath))")
}

let backgroundJobs = BackgroundJobs(crm: crm) { message in
    FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
}
let webhookDeliverer = WebhookDeliverer(crm: crm) { message in
    FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
}

let server = RPCServer(handler: handler, configuration: configuration.rpcServer)

/// Lets SIGINT and SIGTERM, pending or still to come, stop the server.
func stopOnSignal() {
    guard StopSignals.onSignal({ server.shutdown() }) else {
        server.shutdown()
        fail("cannot start the thread that waits for signals")
    }
}

if options.stdio {
    stopOnSignal()
    server.serveStdio(input: STDIN_FILENO, output: protocolOutput)
    server.shutdown()
} else {
    do {
        try PrivateDirectory.create((options.socketPath as NSString).deletingLastPathComponent)
    } catch {
        fail("cannot create the socket directory: \(error)")
    }
    do {
        try server.listen(socketPath: options.socketPath)
    } catch {
        // "socket in use: PATH" says it all; any other failure says what was being done.
        if case .addressInUse = error { fail("\(error)") }
        fail("cannot listen on \(options.socketPath): \(error)")
    }
    let bridge: BridgeServer?
    // The bridge runs when asked for by --http, by `crmd bridge`, or by the config file's address.
    if let address = options.httpAddress
        ?? (configuration.bridgeAddressGiven || options.bridge ? configuration.bridge.address : nil) {
        var settings = configuration.bridge
        settings.address = address
        settings.webRoot = options.webRoot ?? settings.webRoot
        settings.allowedOrigins.formUnion(options.allowedOrigins)
        settings.corsOrigins.formUnion(options.corsOrigins)
        do {
            let started = try BridgeServer(handler: handler, configuration: settings)
            try started.start()
            bridge = started
        } catch {
            server.shutdown()
            fail("\(error)")
        }
    } else {
        bridge = nil
    }
    guard StopSignals.onSignal({ bridge?.shutdown(); server.shutdown() }) else {
        bridge?.shutdown()
        server.shutdown()
        fail("cannot start the thread that waits for signals")
    }
    FileHandle.standardError.write(Data("crmd: listening on \(options.socketPath), database \(options.databasePath)\n".utf8))
    if let bridge { FileHandle.standardError.write(Data("crmd: bridge listening on \(bridge.url)\n".utf8)) }
    server.waitUntilStopped()
}
backgroundJobs.stop()
webhookDeliverer.stop()
// A call still running past the stop deadline holds the database (closing would wait for it);
// exiting ends it unacknowledged, and the database recovers its last commit at the next start.
if server.stoppedCleanly { crm.close() }
exit(0)

import CRM
import CRMAPI
import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

// crmd: parse the command line, protect stdout, open the database, serve.

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
switch options.command {
case .serve: break
case .backup(let target): exit(MaintenanceCommand.backup(database: options.databasePath, to: target))
case .check: exit(MaintenanceCommand.check(database: options.databasePath))
}

// From here on stdout belongs to the protocol (with --stdio) or to nobody: a stray print
// goes to stderr and cannot corrupt a reply.
let protocolOutput = dup(STDOUT_FILENO)
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

let crm: CRM
let handler: CRMHandler
do {
    crm = try CRM(path: options.databasePath, synchronousFull: configuration.synchronousFull, local: configuration.local)
    crm.registry.select(configuration.registry)
    handler = try CRMHandler(crm: crm)
} catch {
    fail("cannot open \(options.databasePath): \(error)")
}

let backgroundJobs = BackgroundJobs(crm: crm) { message in
    FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
}

let server = RPCServer(handler: handler, configuration: configuration.rpcServer)

var signalSources: [DispatchSourceSignal] = []
for signalNumber in [SIGINT, SIGTERM] {
    signal(signalNumber, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
    source.setEventHandler { server.shutdown() }
    source.resume()
    signalSources.append(source)
}

if options.stdio {
    server.serveStdio(input: STDIN_FILENO, output: protocolOutput)
    server.shutdown()
} else {
    do {
        try PrivateDirectory.create((options.socketPath as NSString).deletingLastPathComponent)
        try server.listen(socketPath: options.socketPath)
    } catch {
        fail("cannot listen on \(options.socketPath): \(error)")
    }
    FileHandle.standardError.write(Data("crmd: listening on \(options.socketPath), database \(options.databasePath)\n".utf8))
    server.waitUntilStopped()
}
backgroundJobs.stop()
// A call still running past the stop deadline holds the database (closing would wait for it);
// exiting ends it unacknowledged, and the database recovers its last commit at the next start.
if server.stoppedCleanly { crm.close() }
exit(0)

import Foundation

// crmd-bench: the load generator, in-process references and scale probes used by
// the scripts in bench/. One subcommand per measurement; see bench/README.md.

let subcommands: [(name: String, usage: String, run: (ArraySlice<String>) throws -> Int32)] = [
    ("load", LoadCommand.usage, LoadCommand.run),
    ("sqlite-baseline", SQLiteBaseline.usage, SQLiteBaseline.run),
    ("read-baseline", ReadBaseline.usage, ReadBaseline.run),
    ("seed", SeedCommand.usage, SeedCommand.run),
    ("query", QueryCommand.usage, QueryCommand.run),
    ("startup", StartupCommand.usage, StartupCommand.run),
    ("ping", PingCommand.usage, PingCommand.run),
    ("seed-customers", SeedCustomersCommand.usage, SeedCustomersCommand.run),
    ("customers", CustomersCommand.usage, CustomersCommand.run),
    ("invoices", InvoicesCommand.usage, InvoicesCommand.run),
    ("seed-invoices", SeedInvoicesCommand.usage, SeedInvoicesCommand.run),
    ("invoice-query", InvoiceQueryCommand.usage, InvoiceQueryCommand.run),
    ("access-setup", AccessSetupCommand.usage, AccessSetupCommand.run),
]

// A server that closes a connection is reported as that connection's failure, not a silent
// death by SIGPIPE on the next write.
signal(SIGPIPE, SIG_IGN)
let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let subcommand = subcommands.first(where: { $0.name == name }) else {
    Format.warn("usage:\n" + subcommands.map(\.usage).joined(separator: "\n"))
    exit(arguments.first.map { ["-h", "--help", "help"].contains($0) } == true ? 0 : 2)
}
do {
    exit(try subcommand.run(arguments.dropFirst()))
} catch let error as Options.UsageError {
    Format.warn("crmd-bench \(name): \(error)\n\n" + subcommand.usage)
    exit(2)
} catch {
    Format.warn("crmd-bench \(name): \(error)")
    exit(1)
}

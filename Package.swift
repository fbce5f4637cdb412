// swift-tools-version:6.0
// crmd: a headless CRM engine. This file is the table of contents of the code base:
// one MARK section per target with its tests. Dependencies point one way:
// JSONKit ← JSONSchema, JSONRPC (protocol, knows no CRM) ; CSQLite ← Storage ← CRM (domain,
// knows no JSON-RPC) ; all of them ← CRMAPI (methods wired to services) ← crmd (executable).
import PackageDescription

var targets: [Target] = []

// MARK: - CSQLite: the system libsqlite3, nothing else
targets.append(.systemLibrary(name: "CSQLite", path: "Sources/CSQLite"))

// MARK: - JSONKit: an exact JSON value, parser and writer (numbers keep their text)
targets += [
    .target(name: "JSONKit"),
    .testTarget(name: "JSONKitTests", dependencies: ["JSONKit"]),
]

// MARK: - JSONSchema: a draft 2020-12 validator over JSONKit values
targets += [
    .target(name: "JSONSchema", dependencies: ["JSONKit"]),
    .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSONKit"]),
]

// MARK: - JSONRPC: messages, framing, dispatch, stdio and Unix socket transports
targets += [
    .target(name: "JSONRPC", dependencies: ["JSONKit"]),
    .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "JSONKit"]),
]

// MARK: - Storage: SQLite connections, statement cache, migrations, group-commit writer
targets += [
    .target(name: "Storage", dependencies: ["CSQLite"]),
    .testTarget(name: "StorageTests", dependencies: ["Storage"]),
]

// MARK: - RussianFormats: INN/KPP/OGRN/BIK/account checksums, amounts in words, 1251/866 text
targets += [
    .target(name: "RussianFormats"),
    .testTarget(name: "RussianFormatsTests", dependencies: ["RussianFormats"], exclude: ["generate_amounts.py", "generate_encodings.py"]),
]

// MARK: - Zip: reading ZIP archives with a streaming inflater (RFC 1951)
targets += [
    .target(name: "Zip"),
    .testTarget(name: "ZipTests", dependencies: ["Zip", "TestSupport"]),
]

// MARK: - Registry: company lookup by INN, offline (the tax service's SME registry) or online
targets += [
    .target(name: "Registry", dependencies: ["Storage", "JSONKit", "Zip"]),
    .testTarget(name: "RegistryTests", dependencies: ["Registry", "Zip"]),
]

// MARK: - Templates: a small template engine (placeholders, loops, conditionals, HTML escaping)
targets += [
    .target(name: "Templates"),
    .testTarget(name: "TemplatesTests", dependencies: ["Templates"]),
]

// MARK: - QRCode: QR code symbols (ISO/IEC 18004) as a module matrix
targets += [
    .target(name: "QRCode"),
    .testTarget(name: "QRCodeTests", dependencies: ["QRCode"], exclude: ["generate_reference.py"]),
]

// MARK: - PDFWriter: PDF pages with embedded TrueType subsets, lines, boxes and images of modules
targets += [
    .target(name: "PDFWriter"),
    .testTarget(name: "PDFWriterTests", dependencies: ["PDFWriter"]),
]

// MARK: - Net: TCP streams with deadlines, and the small HTTP client webhooks are posted with
targets += [
    .target(name: "Net"),
    .testTarget(name: "NetTests", dependencies: ["Net"]),
]

// MARK: - HTTP: HTTP/1.1 requests and responses, WebSocket frames (RFC 6455), SHA-1
targets += [
    .target(name: "HTTP"),
    .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
]

// MARK: - Mail: MIME messages (RFC 2045/2047) and their delivery by SMTP or a sendmail command
targets += [
    .target(name: "Mail", dependencies: ["Net"]),
    .testTarget(name: "MailTests", dependencies: ["Mail", "TestSupport"]),
]

// MARK: - CRM: the domain (leads, funnels, fields, timeline, lists)
targets += [
    .target(name: "CRM", dependencies: ["Storage", "JSONKit", "RussianFormats", "Registry", "Templates", "PDFWriter", "QRCode", "Mail", "Net", "Zip"]),
    .testTarget(name: "CRMTests", dependencies: ["CRM", "Storage", "JSONKit", "QRCode", "PDFWriter", "TestSupport"]),
]

// MARK: - CRMAPI: JSON-RPC methods wired to CRM services, schemas, OpenRPC
targets += [
    .target(name: "CRMAPI", dependencies: ["CRM", "JSONRPC", "JSONSchema", "JSONKit"]),
    .testTarget(name: "CRMAPITests", dependencies: ["CRMAPI", "CRM", "JSONRPC", "JSONKit", "TestSupport"]),
]

// MARK: - Bridge: the HTTP bridge (POST /rpc, WebSocket, public invoice pages, the web client,
// the Bitrix24 REST facade, the 1C site exchange) in front of the same handler as the socket
targets += [
    .target(name: "Bridge", dependencies: ["HTTP", "CRMAPI", "CRM", "JSONRPC", "JSONKit", "RussianFormats"]),
    .testTarget(name: "BridgeTests", dependencies: ["Bridge", "HTTP", "CRM", "CRMAPI", "JSONKit", "JSONRPC", "TestSupport", "RussianFormats"]),
]

// MARK: - crmd: the executable (arguments, stdout protection, transports)
targets += [
    .executableTarget(name: "crmd", dependencies: ["Bridge", "CRMAPI", "CRM", "JSONRPC", "JSONKit"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "JSONKit"]),
]

// MARK: - crmd-bench: the load generator and storage baseline used by bench/
targets.append(.executableTarget(name: "crmd-bench", dependencies: ["JSONKit", "Storage", "CRM", "CSQLite"]))

// MARK: - TestSupport: launching crmd, temporary directories, JSON helpers for tests
targets.append(.target(name: "TestSupport", dependencies: ["JSONKit"]))

for target in targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.swiftLanguageMode(.v6)]
}

let package = Package(
    name: "crmd",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "crmd", targets: ["crmd"])],
    targets: targets
)

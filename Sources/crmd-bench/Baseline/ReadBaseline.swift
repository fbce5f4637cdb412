import CSQLite
import Foundation
import JSONKit

/// `crmd-bench read-baseline`: the reference for pipelined `lead.get`. In this one process, on
/// one thread, it does the work a call needs and nothing else: takes the very request bytes the
/// load generator sends, finds the request's id and the lead's id by scanning them, reads the
/// lead with one prepared SQLite statement on a read-only connection to the same database, and
/// writes the reply crmd writes, byte for byte (keys sorted, strings escaped alike, stored JSON
/// columns copied as they are). Replies go to a buffer emptied every `depth` replies, as a
/// connection's output is.
///
/// With `--socket` it first asks crmd for the same requests and stops unless every reply is
/// byte-identical to its own: the reference must do exactly the work it is compared with.
enum ReadBaseline {
    static let usage = """
        crmd-bench read-baseline --db PATH [--ids A..B] [--seconds 5] [--depth 64] [--socket PATH] [--json]
          In-process lead.get: the same request bytes, point read and reply bytes as crmd, on one
          thread (the database is read through its own read-only connection; crmd may be running).
          --socket: first check 200 of its replies against crmd's, byte for byte.
        """

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["db", "ids", "seconds", "depth", "socket"], flags: ["json"])
        let ids = try options.range("ids", default: 1...10_000)
        let seconds = try options.double("seconds", default: 5)
        let depth = try options.int("depth", default: 64, min: 1)
        let reader = try LeadReader(path: try options.required("db"))
        let requests = TemplateRequest.leadGet(ids: ids)
        let request = ByteBuffer(capacity: 256)
        var reply: [UInt8] = []
        reply.reserveCapacity(64 << 10)

        if let socket = options.string("socket") {
            let client = try RPCClient(socket: socket)
            for index in 0..<UInt64(min(200, ids.count)) {
                request.clear()
                requests.append(index: index, id: index + 1, to: request)
                let bytes = Array(UnsafeBufferPointer(start: request.base, count: request.count))
                let expected = try client.exchange(bytes).line
                reply.removeAll(keepingCapacity: true)
                try bytes.withUnsafeBufferPointer { try reader.answer($0, into: &reply) }
                guard reply.last == 0x0A, Array(reply.dropLast()) == expected else {
                    throw Failure(description: "reply differs from crmd's for \(String(decoding: bytes, as: UTF8.self))"
                                  + "crmd:      \(String(decoding: expected, as: UTF8.self))\n"
                                  + "reference: \(String(decoding: reply, as: UTF8.self))")
                }
            }
        }

        var answered: UInt64 = 0
        let started = MonotonicClock.now()
        let deadline = started + UInt64(seconds * 1e9)
        var now = started
        while now < deadline {
            reply.removeAll(keepingCapacity: true)
            for _ in 0..<depth {
                request.clear()
                requests.append(index: answered, id: answered + 1, to: request)
                try reader.answer(UnsafeBufferPointer(start: request.base, count: request.count), into: &reply)
                answered += 1
            }
            now = MonotonicClock.now()
        }
        let elapsed = Double(now - started) / 1e9
        let rate = Double(answered) / elapsed
        let json: JSON = ["throughput": Format.number(rate, 1), "replies": Format.integer(answered), "seconds": Format.number(elapsed)]
        Format.emit("read-baseline lead.get in-process: \(Format.fixed(rate, 0)) req/s (\(answered) replies in"
                    + " \(Format.fixed(elapsed, 2)) s, \(Format.fixed(1e6 / rate, 2)) µs each)",
                    json: options.has("json") ? json : nil)
        return 0
    }
}

/// One read-only connection with the lead statement prepared, and the reply's layout: the
/// columns' API names (snake_case → camelCase) sorted, each with how its value is written.
private final class LeadReader {
    private enum Kind {
        case plain
        /// JSON text kept as written; `[]` when NULL (phones, e-mails).
        case json(nullAs: [UInt8])
    }

    private struct Slot {
        let key: [UInt8]
        let column: Int32
        let kind: Kind
    }

    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private var slots: [Slot] = []
    private static let head = Array(#"{"jsonrpc":"2.0","id":"#.utf8), resultKey = Array(#","result":"#.utf8)
    private static let paramsKey = Array(#""params":"#.utf8), idKey = Array(#""id":"#.utf8)

    init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw ReadBaseline.Failure(description: "cannot open \(path)")
        }
        var columns: [String] = []
        var info: OpaquePointer?
        sqlite3_prepare_v2(db, "PRAGMA table_info(leads)", -1, &info, nil)
        while sqlite3_step(info) == SQLITE_ROW { columns.append(String(cString: sqlite3_column_text(info, 1))) }
        sqlite3_finalize(info)
        guard !columns.isEmpty else { throw ReadBaseline.Failure(description: "\(path) has no leads table") }
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM leads WHERE id = ?"
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
            throw ReadBaseline.Failure(description: "cannot prepare \(sql)")
        }
        let named = columns.enumerated().map { (name: Self.camelCase($1), column: Int32($0), stored: $1) }.sorted { $0.name < $1.name }
        for (index, entry) in named.enumerated() {
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            key += Array("\"\(entry.name)\":".utf8)
            let kind: Kind = switch entry.stored {
            case "phones", "emails": .json(nullAs: Array("[]".utf8))
            case "requisites", "custom": .json(nullAs: Array("null".utf8))
            default: .plain
            }
            slots.append(Slot(key: key, column: entry.column, kind: kind))
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(db)
    }

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_")
        return String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Answers one `lead.get` request line, appending the reply line to `out`.
    func answer(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        do {
            guard let idStart = Self.find(Self.idKey, in: bytes, from: 0),
                  let params = Self.find(Self.paramsKey, in: bytes, from: 0),
                  let leadStart = Self.find(Self.idKey, in: bytes, from: params) else {
                throw ReadBaseline.Failure(description: "not a lead.get request")
            }
            var idEnd = idStart
            while idEnd < bytes.count, bytes[idEnd] >= 0x30, bytes[idEnd] <= 0x39 { idEnd += 1 }
            var lead: Int64 = 0
            var index = leadStart
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                lead = lead * 10 + Int64(bytes[index] - 0x30)
                index += 1
            }
            out.append(contentsOf: Self.head)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[idStart..<idEnd]))
            out.append(contentsOf: Self.resultKey)
            sqlite3_bind_int64(statement, 1, lead)
            defer { sqlite3_reset(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW else { throw ReadBaseline.Failure(description: "no lead \(lead)") }
            for slot in slots {
                out.append(contentsOf: slot.key)
                switch (sqlite3_column_type(statement, slot.column), slot.kind) {
                case (SQLITE_NULL, .json(let nullAs)): out.append(contentsOf: nullAs)
                case (SQLITE_NULL, .plain): out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
                case (SQLITE_INTEGER, _): Self.appendDecimal(sqlite3_column_int64(statement, slot.column), to: &out)
                case (_, .json): out.append(contentsOf: text(slot.column))
                default: Self.appendString(text(slot.column), to: &out)
                }
            }
            out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "}"), 0x0A])
        }
    }

    private func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: sqlite3_column_text(statement, column), count: Int(sqlite3_column_bytes(statement, column)))
    }

    /// The position just past `key` at or after `from`.
    private static func find(_ key: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var start = from
        while start + key.count <= bytes.count {
            guard let hit = memchr(base + start, Int32(key[0]), bytes.count - key.count + 1 - start) else { return nil }
            let position = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + position, key, key.count) == 0 { return position + key.count }
            start = position + 1
        }
        return nil
    }

    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string as JSONKit writes one: `"` and `\` escaped, control characters as `\n`,
    /// `\r`, `\t` or `\u00XX`, everything else (UTF-8 included) as it is.
    private static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var run = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C { continue }
            if run < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index])) }
            switch byte {
            case 0x22, 0x5C: out.append(contentsOf: [0x5C, byte])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
            run = index + 1
        }
        if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
        out.append(UInt8(ascii: "\""))
    }
}

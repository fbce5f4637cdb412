import CRM
import Foundation
import JSONKit
import Storage

/// `crmd-bench sqlite-baseline`: the storage's limit. In-process inserts of what one
/// `lead.add` writes — the lead row, its full-text row, its folded-text row (whose trigger
/// fills the trigram index), two `communications` rows (phone and e-mail) and the `created`
/// timeline entry — into a database made by crmd's own migrations (so every table, index and
/// trigger is crmd's), with `synchronous=FULL` in WAL mode, `--batch` leads per transaction,
/// through the `Storage` module's `Database` (cached prepared statements), on one thread.
enum SQLiteBaseline {
    static let usage = """
        crmd-bench sqlite-baseline --db PATH [--rows N] [--batch 16] [--timeline 1|0] [--synchronous full|normal]
                                   [--savepoints 0|1] [--json]
          PATH must not exist yet. Defaults: 50000 rows, 16 per transaction, with the timeline row.
          --savepoints 1 wraps each lead in SAVEPOINT … RELEASE inside the transaction, as crmd's
          group commit does (FTS5 then flushes its pending terms at every savepoint).
        """

    static let insertLead = """
        INSERT INTO leads (title, name, second_name, last_name, company_title, phones, emails, city, topic,
            source, comments, client_type, requisites, assigned_to, pipeline_id, stage_id, stage_semantic,
            converted_at, custom, created_at, updated_at, created_by, updated_by, version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertSearch = "INSERT INTO leads_fts (rowid, body) VALUES (?, ?)"
    static let insertText = """
        INSERT INTO leads_text (id, title, name, second_name, last_name, company_title, city, topic, source, comments)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertCommunication =
        "INSERT INTO communications (entity_type, entity_id, kind, value, normalized) VALUES (?, ?, ?, ?, ?)"
    static let insertTimeline = "INSERT INTO timeline (entity_type, entity_id, type, at, author_id, data) VALUES (?, ?, ?, ?, ?, ?)"

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["db", "rows", "batch", "timeline", "synchronous", "savepoints"], flags: ["json"])
        let path = try options.required("db")
        let rows = try options.int("rows", default: 50_000, min: 1)
        let batch = try options.int("batch", default: 16, min: 1)
        let withTimeline = try options.int("timeline", default: 1) != 0
        let withSavepoints = try options.int("savepoints", default: 0) != 0
        let synchronous = options.string("synchronous") ?? "full"
        guard synchronous == "full" || synchronous == "normal" else {
            throw Options.UsageError(description: "--synchronous is full or normal")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Options.UsageError(description: "\(path) exists; give a path to a new file")
        }
        // crmd makes the schema; the inserts then go through a plain connection.
        try CRM(path: path).close()
        let db = try Database(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=\(synchronous.uppercased())")
        try db.execute("PRAGMA foreign_keys=ON")

        var commitTimes: [UInt64] = []
        commitTimes.reserveCapacity(rows / batch + 1)
        let started = MonotonicClock.now()
        var written = 0
        while written < rows {
            let count = min(batch, rows - written)
            let begin = MonotonicClock.now()
            try db.execute("BEGIN IMMEDIATE")
            for k in 0..<count {
                if withSavepoints { try db.execute("SAVEPOINT lead") }
                try insert(db, number: written + k, withTimeline: withTimeline)
                if withSavepoints { try db.execute("RELEASE lead") }
            }
            try db.execute("COMMIT")
            commitTimes.append(MonotonicClock.now() - begin)
            written += count
        }
        let seconds = Double(MonotonicClock.now() - started) / 1e9
        db.close()
        commitTimes.sort()
        let rate = Double(rows) / seconds
        let json: JSON = [
            "rows": Format.integer(rows), "batch": Format.integer(batch), "seconds": Format.number(seconds),
            "throughput": Format.number(rate, 1), "transactions": Format.integer(commitTimes.count),
            "transactionP50Ms": Format.milliseconds(Format.quantile(commitTimes, 0.5)),
            "transactionP99Ms": Format.milliseconds(Format.quantile(commitTimes, 0.99)),
            "timeline": .bool(withTimeline), "synchronous": .string(synchronous), "savepoints": .bool(withSavepoints),
        ]
        Format.emit("sqlite-baseline: \(Format.fixed(rate, 0)) rows/s (\(rows) leads in \(batch)-row transactions,"
                    + " synchronous=\(synchronous)\(withSavepoints ? ", a savepoint per lead" : ""),"
                    + " \(Format.fixed(seconds, 2)) s; transaction p50"
                    + " \(Format.ms(Format.quantile(commitTimes, 0.5))) ms, p99 \(Format.ms(Format.quantile(commitTimes, 0.99))) ms)",
                    json: options.has("json") ? json : nil)
        return 0
    }

    private static let isoFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter
    }()

    /// One lead as `load --method lead.add` sends it, with everything crmd derives from it.
    private static func insert(_ db: Database, number: Int, withTimeline: Bool) throws {
        let digits = String(9_160_000_000 + number % 10_000_000)
        let phone = "+7" + digits
        let email = "b@example.ru"
        let now = isoFormatter.string(from: Date())
        let values: [SQLValue] = [
            "Bench", nil, nil, nil, nil,
            .text(#"[{"type":"WORK","value":"\#(phone)"}]"#), .text(#"[{"type":"WORK","value":"\#(email)"}]"#),
            "Москва", "Тест", nil, nil, nil, nil, nil,
            1, "NEW", "process", nil, "{}", .text(now), .text(now), 1, 1, 1,
        ]
        try db.execute(insertLead, values)
        let id = db.lastInsertRowID
        let body = "bench \(phone) +7\(digits) 7\(digits) \(digits) \(email) москва тест"
        try db.execute(insertSearch, [.integer(id), .text(body)])
        try db.execute(insertText, [.integer(id), "bench", nil, nil, nil, nil, "москва", "тест", nil, nil])
        try db.execute(insertCommunication, ["lead", .integer(id), "phone", .text(phone), .text("+7" + digits)])
        try db.execute(insertCommunication, ["lead", .integer(id), "email", .text(email), .text(email)])
        if withTimeline {
            try db.execute(insertTimeline, ["lead", .integer(id), "created", .text(now), 1, #"{"stageId":"NEW"}"#])
        }
    }
}

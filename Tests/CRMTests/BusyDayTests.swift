import Foundation
import JSONKit
import Storage
import Testing
import TestSupport
@testable import CRM

/// Busy time per day (`busy_days`, migration 27): the blob format round-trips and refuses what
/// it never writes; after any sequence of bookings, moves, cancellations and deletions every row
/// is what `busy_slots` gives, and free slots are what they were when read from `busy_slots`;
/// a database of migration 26 gets its rows from the busy rows it holds.
@Suite struct BusyDayTests {
    // MARK: - The format

    @Test func intervalsOfADayRoundTrip() throws {
        var generator = SeededGenerator(seed: 7)
        for day: Int64 in [-1, 0, 20_790, 2_932_896] {
            let span = BusyDay.span(of: day)
            // The whole day, one second at each end, and random sets that may start at midnight and end at the next.
            var cases: [[Range<Int64>]] = [[span], [span.lowerBound..<span.lowerBound + 1, span.upperBound - 1..<span.upperBound]]
            for _ in 0..<50 {
                var points = Set<Int64>()
                for _ in 0..<Int.random(in: 1...80, using: &generator) * 2 {
                    points.insert(Bool.random(using: &generator) ? span.lowerBound + Int64.random(in: 0...86_400, using: &generator)
                                                                 : [span.lowerBound, span.upperBound].randomElement(using: &generator)!)
                }
                let sorted = points.sorted()
                // Consecutive pairs of distinct points, every other gap dropped: disjoint and not touching.
                let intervals = stride(from: 0, to: sorted.count - 1, by: 2).map { sorted[$0]..<sorted[$0 + 1] }
                if !intervals.isEmpty { cases.append(intervals) }
            }
            for intervals in cases {
                let blob = BusyDay.encode(intervals, day: day)
                #expect(try BusyDay.decode(blob, day: day) == intervals)
                #expect(blob.count == 1 + intervals.count * 6)
            }
        }
        // A day of five-minute meetings every ten minutes stays under a kilobyte.
        let crowded = (0..<144).map { Int64($0) * 600..<Int64($0) * 600 + 300 }
        #expect(BusyDay.encode(crowded, day: 0).count < 1024)
    }

    @Test func corruptBlobsAreRefused() throws {
        /// Format 1 by hand: seconds since the day's start, three bytes little-endian each.
        func blob(_ pairs: [(Int64, Int64)], format: UInt8 = 1) -> [UInt8] {
            var bytes = [format]
            for (start, end) in pairs {
                for value in [start, end] { bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16)] }
            }
            return bytes
        }
        #expect(blob([(3600, 86_400)]) == [1, 0x10, 0x0e, 0, 0x80, 0x51, 0x01])
        #expect(try BusyDay.decode(blob([(3600, 86_400)]), day: 3) == [3 * 86_400 + 3600..<4 * 86_400])
        let cases: [(bytes: [UInt8], problem: String)] = [
            ([], "empty (a day with no busy time has no row) at byte 0"),
            (blob([(0, 10)], format: 2), "unknown format 2 at byte 0"),
            ([1], "no intervals at byte 1"),
            ([1, 0, 0, 0, 5, 0], "an interval cut short at byte 1"),
            (blob([(10, 20)]) + [0, 0, 0], "an interval cut short at byte 7"),
            (blob([(10, 10)]), "an empty interval at byte 1"),
            (blob([(10, 20), (30, 25)]), "an empty interval at byte 7"),
            (blob([(0, 10), (10, 20)]), "an interval touches or overlaps the one before at byte 7"),
            (blob([(0, 10), (5, 20)]), "an interval touches or overlaps the one before at byte 7"),
            (blob([(86_000, 86_401)]), "an interval past the end of the day at byte 1"),
            (blob([(0, 10), (0xff_fffe, 0xff_ffff)]), "an interval past the end of the day at byte 7"),
        ]
        for (bytes, problem) in cases {
            let error = #expect(throws: BusyDay.Corrupt.self, "\(bytes)") { _ = try BusyDay.decode(bytes, day: 3) }
            #expect(error?.description == "intervals: " + problem, "\(bytes)")
        }
        // Checked also where no window asks for it.
        var intervals: [Range<Int64>] = [], window = 0
        #expect(throws: BusyDay.Corrupt(offset: 7, problem: "an empty interval")) {
            try blob([(10, 20), (30, 25), (40, 50)]).withUnsafeBufferPointer {
                try BusyDay.decode($0, day: 0, within: [40..<45], from: &window, into: &intervals)
            }
        }
    }

    @Test func splittingAndJoiningAtMidnight() throws {
        let day: Int64 = 20_790, midnight = day * 86_400
        let split = BusyDay.split([midnight - 3600..<midnight + 2 * 86_400 + 60, midnight + 3 * 86_400..<midnight + 3 * 86_400 + 10])
        #expect(split.map(\.day) == [day - 1, day, day + 1, day + 2, day + 3])
        #expect(split[1].intervals == [BusyDay.span(of: day)])
        #expect(BusyDay.days(touchedBy: [midnight - 1..<midnight, midnight..<midnight + 1, midnight + 5..<midnight + 5]) == [day - 1, day])
        // Days read one after the other give one interval over midnight, cut to the windows asked.
        func read(_ windows: [Range<Int64>]) throws -> [Range<Int64>] {
            var joined: [Range<Int64>] = [], window = 0
            for part in split {
                try BusyDay.encode(part.intervals, day: part.day).withUnsafeBufferPointer {
                    try BusyDay.decode($0, day: part.day, within: windows, from: &window, into: &joined)
                }
            }
            return joined
        }
        #expect(try read([midnight - 86_400..<midnight + 4 * 86_400]) == [midnight - 3600..<midnight + 2 * 86_400 + 60,
                                                                           midnight + 3 * 86_400..<midnight + 3 * 86_400 + 10])
        // Windows that one busy interval spans several of, and one between busy intervals.
        let windows = [midnight - 7200..<midnight - 1800, midnight + 600..<midnight + 1200, midnight + 86_400 - 60..<midnight + 86_400 + 60,
                       midnight + 2 * 86_400 + 120..<midnight + 3 * 86_400 + 5]
        #expect(try read(windows) == [midnight - 3600..<midnight - 1800, midnight + 600..<midnight + 1200,
                                      midnight + 86_400 - 60..<midnight + 86_400 + 60, midnight + 3 * 86_400..<midnight + 3 * 86_400 + 5])
        #expect(try read([midnight + 2 * 86_400 + 60..<midnight + 3 * 86_400]).isEmpty)
    }

    // MARK: - Kept by every write

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomWritesKeepEveryDayAsBusySlotsGiveIt(seed: UInt64) throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        var generator = SeededGenerator(seed: seed)
        var users: [Int64] = [1]
        for (name, zone) in [("Анна", "Europe/Moscow"), ("Борис", "Asia/Yekaterinburg"), ("Вера", "UTC")] {
            users.append(try crm.users.add(["name": .string(name), "timeZone": .string(zone)], idempotencyKey: nil, by: .user(1)).id)
        }
        // Вера works round the clock, so her free slots run over UTC midnight.
        let always: JSON = .array([["00:00", "24:00"]])
        _ = try crm.calendar.setSchedule(userID: users[3], hours: ["mon": always, "tue": always, "wed": always, "thu": always, "fri": always,
                                                                   "sat": always, "sun": always], daysOff: nil, timeZone: nil, by: .user(1))
        let rooms = try ["Переговорная", "Шоурум"].map { try crm.resources.add(name: $0, description: nil, place: nil, by: .user(1)).id }
        let base = (fixture.clock.now() / 86_400 + 2) * 86_400, days: Int64 = 8

        func times() -> [String: JSON] {
            let start: Int64, length: Int64
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                start = base + Int64.random(in: 0..<days * 288, using: &generator) * 300
                length = Int64.random(in: 1...36, using: &generator) * 300
            case 6..<9:    // over midnight
                start = base + Int64.random(in: 1..<days, using: &generator) * 86_400 - Int64.random(in: 1...36, using: &generator) * 300
                length = Int64.random(in: 2...72, using: &generator) * 300
            default:       // several days
                start = base + Int64.random(in: 0..<days * 24, using: &generator) * 3600
                length = Int64.random(in: 86_400...3 * 86_400, using: &generator)
            }
            return ["start": .string(Timestamp.format(start)), "end": .string(Timestamp.format(start + length))]
        }
        func people() -> [String: JSON] {
            var fields: [String: JSON] = ["responsibleId": .int(users.randomElement(using: &generator)!)]
            fields["participantIds"] = .array(users.filter { _ in Int.random(in: 0..<4, using: &generator) == 0 }.map(JSON.int))
            fields["resourceId"] = Bool.random(using: &generator) ? .int(rooms.randomElement(using: &generator)!) : .null
            return fields
        }

        var ids: [Int64] = []
        var writes = 0
        for step in 1...360 {
            let id = ids.randomElement(using: &generator)
            do {
                switch (id, Int.random(in: 0..<10, using: &generator)) {
                case (nil, _), (_, 0..<3):
                    var fields = times().merging(people()) { $1 }
                    fields["type"] = Bool.random(using: &generator) ? "meeting" : "call"
                    fields["subject"] = .string("Встреча \(step)")
                    ids.append(try crm.activities.add(fields, allowOutsideHours: true, by: .user(1)).id)
                case (let id?, 3):
                    _ = try crm.activities.update(id, times(), allowOutsideHours: true, by: .user(1))
                case (let id?, 4):
                    _ = try crm.activities.update(id, people(), allowOutsideHours: true, by: .user(1))
                case (let id?, 5):
                    _ = try crm.activities.update(id, ["status": "cancelled"], allowOutsideHours: true, by: .user(1))
                case (let id?, 6):
                    _ = try crm.activities.update(id, ["status": "planned"], allowOutsideHours: true, by: .user(1))
                case (let id?, 7):
                    _ = try crm.activities.complete(id, result: "Провели", by: .user(1))
                case (let id?, 8):
                    _ = try crm.activities.update(id, ["subject": .string("Переименована \(step)")], allowOutsideHours: true, by: .user(1))
                case (let id?, _):
                    _ = try crm.activities.delete(id, by: .user(1))
                    ids.removeAll { $0 == id }
                }
                writes += 1
            } catch CRMError.conflict {
                // The time is taken (or the meeting was cancelled): nothing was written.
            }
            if step % 40 == 0 {
                try expectDaysMatchBusySlots(crm)
                for _ in 0..<3 {
                    let chosen = Array(users.shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator)))
                    let from = base - 86_400 + Int64.random(in: 0..<days * 24, using: &generator) * 3600
                    let to = from + Int64.random(in: 1...days, using: &generator) * 86_400 + 1800
                    let room = Bool.random(using: &generator) ? rooms.randomElement(using: &generator) : nil
                    try expectFreeSlotsAsFromBusySlots(crm, users: chosen, resource: room, from: from, to: to)
                }
                try expectFreeSlotsAsFromBusySlots(crm, users: [users[3]], resource: nil, from: base, to: base + days * 86_400)
            }
        }
        #expect(writes > 200)
        let rows = try crm.pool.read { db in try db.scalar("SELECT count(*) FROM busy_days").int64 ?? 0 }
        #expect(rows > 20)
    }

    /// The days a stored blob that does not decode is in fail the read with the row named.
    @Test func aCorruptStoredDayFailsTheRead() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let start = (fixture.clock.now() / 86_400 + 6) * 86_400 + 9 * 3600    // a Monday, 12:00 in Moscow
        _ = try crm.activities.add(["type": "meeting", "subject": "Встреча", "start": .string(Timestamp.format(start)),
                                    "end": .string(Timestamp.format(start + 3600))], allowOutsideHours: true, by: .user(1))
        try expectDaysMatchBusySlots(crm)
        let day = start / 86_400
        try crm.pool.write { db in
            try db.execute("UPDATE busy_days SET intervals = ? WHERE kind = 'user' AND owner_id = 1 AND day = ?", [.blob([1, 0, 0]), .integer(day)])
        }
        #expect(throws: StoredDataError(table: "busy_days", id: "user/1/\(day)", problem: "intervals: an interval cut short at byte 1")) {
            _ = try crm.calendar.freeSlots(userIDs: [1], from: start - 86_400, to: start + 86_400, duration: 1800, step: nil, resourceID: nil, limit: 10)
        }
        try crm.pool.write { db in
            try db.execute("UPDATE busy_days SET intervals = 'text' WHERE kind = 'user' AND owner_id = 1 AND day = ?", [.integer(day)])
        }
        #expect(throws: StoredDataError(table: "busy_days", id: "user/1/\(day)", problem: "intervals: not a blob")) {
            _ = try crm.calendar.freeSlots(userIDs: [1], from: start - 86_400, to: start + 86_400, duration: 1800, step: nil, resourceID: nil, limit: 10)
        }
    }

    // MARK: - Migration 27

    @Test func migrationFillsTheDaysFromTheBusyRowsStored() throws {
        let database = try OldDatabase(version: 26)
        defer { database.remove() }
        let old = database.pool, path = database.path
        #expect(old.schemaVersion == 26)
        let monday = Timestamp.parse("2026-11-30T00:00:00Z")!
        func at(_ day: Int64, _ hour: Double) -> Int64 { monday + day * 86_400 + Int64(hour * 3600) }
        // id, responsible, participants, resource, start, end: overlapping, touching, over midnight, over four days, before 1970.
        let meetings: [(Int64, Int64, [Int64], Int64?, Int64, Int64)] = [
            (1, 1, [2], nil, at(1, 10), at(1, 11)), (2, 1, [], 1, at(1, 10.5), at(1, 12)), (3, 1, [], nil, at(1, 12), at(1, 12.5)),
            (4, 2, [1], 1, at(1, 23.5), at(2, 1)), (5, 1, [], nil, at(3, 20), at(6, 8)), (6, 2, [], nil, -3600, 3600),
        ]
        try old.write { db in
            try db.execute("INSERT INTO users (id, name, active, created_at) VALUES (2, 'Анна', 1, '2026-11-29T10:00:00Z')")
            try db.execute("""
                INSERT INTO resources (id, name, active, created_at, updated_at) VALUES (1, 'Переговорная', 1, '2026-11-29T10:00:00Z', '2026-11-29T10:00:00Z')
                """)
            for (id, responsible, participants, resource, start, end) in meetings {
                try db.execute("""
                    INSERT INTO activities (id, type, subject, start_at, end_at, resource_id, responsible_id, created_at, updated_at)
                    VALUES (?, 'meeting', 'Встреча', ?, ?, ?, ?, '2026-11-29T10:00:00Z', '2026-11-29T10:00:00Z')
                    """, [.integer(id), .integer(start), .integer(end), SQLValue(resource), .integer(responsible)])
                let owners = ([responsible] + participants).map { ("user", $0) } + (resource.map { [("resource", $0)] } ?? [])
                for user in participants {
                    try db.execute("INSERT INTO activity_participants (activity_id, user_id) VALUES (?, ?)", [.integer(id), .integer(user)])
                }
                for (kind, owner) in owners {
                    try db.execute("INSERT INTO busy_slots (kind, owner_id, start_at, end_at, activity_id) VALUES (?, ?, ?, ?, ?)",
                                   [.text(kind), .integer(owner), .integer(start), .integer(end), .integer(id)])
                    try db.execute("""
                        INSERT INTO busy_longest (kind, owner_id, seconds) VALUES (?, ?, ?)
                        ON CONFLICT (kind, owner_id) DO UPDATE SET seconds = max(seconds, excluded.seconds)
                        """, [.text(kind), .integer(owner), .integer(end - start)])
                }
            }
        }
        old.close()

        let clock = ManualClock(monday)
        let crm = try CRM(path: path, clock: clock, synchronousFull: false)
        defer { crm.close() }
        #expect(crm.pool.schemaVersion == 27)
        let stored = try storedDays(crm)
        #expect(stored == (try expectedDays(crm)))
        #expect(stored[DayKey(kind: "user", owner: 1, day: monday / 86_400 + 1)] == [at(1, 10)..<at(1, 12.5), at(1, 23.5)..<at(2, 0)])
        #expect(stored[DayKey(kind: "user", owner: 1, day: monday / 86_400 + 4)] == [BusyDay.span(of: monday / 86_400 + 4)])
        #expect(stored[DayKey(kind: "user", owner: 2, day: -1)] == [-3600..<0])
        #expect(stored.keys.filter { $0.kind == "resource" }.map(\.day).sorted() == [monday / 86_400 + 1, monday / 86_400 + 2])
        try expectFreeSlotsAsFromBusySlots(crm, users: [1, 2], resource: 1, from: monday, to: monday + 7 * 86_400)

        // The rows migrated are kept from then on like any other.
        _ = try crm.activities.update(2, ["status": "cancelled"], allowOutsideHours: true, by: .user(1))
        _ = try crm.activities.update(5, ["start": .string(Timestamp.format(at(4, 9))), "end": .string(Timestamp.format(at(4, 10)))],
                                      allowOutsideHours: true, by: .user(1))
        _ = try crm.activities.delete(4, by: .user(1))
        try expectDaysMatchBusySlots(crm)
        #expect(try storedDays(crm)[DayKey(kind: "user", owner: 1, day: monday / 86_400 + 1)] == [at(1, 10)..<at(1, 11), at(1, 12)..<at(1, 12.5)])
        #expect(try storedDays(crm).keys.filter { $0.kind == "resource" }.isEmpty)
        try expectFreeSlotsAsFromBusySlots(crm, users: [1, 2], resource: 1, from: monday, to: monday + 7 * 86_400)
    }

    // MARK: - Computed apart

    struct DayKey: Hashable, CustomStringConvertible {
        let kind: String
        let owner: Int64
        let day: Int64
        var description: String { "\(kind)/\(owner)/\(day)" }
    }

    /// The days as `busy_slots` gives them, computed here without `Intervals` or `BusyDay.split`:
    /// every row cut at each midnight it crosses, each day's pieces sorted and joined.
    func expectedDays(_ crm: CRM) throws -> [DayKey: [Range<Int64>]] {
        var pieces: [DayKey: [Range<Int64>]] = [:]
        for row in try crm.pool.read({ db in try db.query("SELECT kind, owner_id, start_at, end_at FROM busy_slots") }) {
            let kind = try row.text("kind"), owner = try row.int64("owner_id"), start = try row.int64("start_at"), end = try row.int64("end_at")
            var day = Int64((Double(start) / 86_400).rounded(.down))
            while day * 86_400 < end {
                pieces[DayKey(kind: kind, owner: owner, day: day), default: []].append(max(start, day * 86_400)..<min(end, (day + 1) * 86_400))
                day += 1
            }
        }
        return pieces.mapValues { ranges in
            var joined: [Range<Int64>] = []
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = joined.last, range.lowerBound <= last.upperBound {
                    joined[joined.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
                } else {
                    joined.append(range)
                }
            }
            return joined
        }
    }

    func storedDays(_ crm: CRM) throws -> [DayKey: [Range<Int64>]] {
        var days: [DayKey: [Range<Int64>]] = [:]
        for row in try crm.pool.read({ db in try db.query("SELECT kind, owner_id, day, intervals FROM busy_days") }) {
            let key = DayKey(kind: try row.text("kind"), owner: try row.int64("owner_id"), day: try row.int64("day"))
            days[key] = try BusyDay.decode(try row.blob("intervals"), day: key.day)
        }
        return days
    }

    func expectDaysMatchBusySlots(_ crm: CRM, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stored = try storedDays(crm), expected = try expectedDays(crm)
        for key in Set(stored.keys).union(expected.keys).sorted(by: { $0.description < $1.description }) where stored[key] != expected[key] {
            Issue.record("\(key): stored \(stored[key].map(String.init(describing:)) ?? "no row"), busy_slots give \(expected[key] ?? [])",
                         sourceLocation: sourceLocation)
        }
    }

    /// `calendar.freeSlots` against the slots found from every busy row of the period.
    func expectFreeSlotsAsFromBusySlots(_ crm: CRM, users: [Int64], resource: Int64?, from: Int64, to: Int64,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let answer = try crm.calendar.freeSlots(userIDs: users, from: from, to: to, duration: 1800, step: 900, resourceID: resource, limit: 10_000)
        let slots = (answer["slots"]?.arrayValue ?? []).compactMap { slot in
            Timestamp.parse(slot["start"]?.stringValue ?? "").flatMap { start in Timestamp.parse(slot["end"]?.stringValue ?? "").map { start..<$0 } }
        }
        let expected = try crm.pool.read { db in
            func rows(_ kind: String, _ owner: Int64) throws -> [Range<Int64>] {
                try db.query("SELECT start_at, end_at FROM busy_slots WHERE kind = ? AND owner_id = ? AND start_at < ? AND end_at > ?",
                             [.text(kind), .integer(owner), .integer(to), .integer(from)]).map { try $0.int64("start_at")..<$0.int64("end_at") }
            }
            return try FreeSlots.find(calendars: try users.map { try CalendarService.workCalendar(db, user: $0, from: from, to: to) },
                                      busy: try users.map { try rows("user", $0) }, resourceBusy: try resource.map { try rows("resource", $0) },
                                      from: from, to: to, duration: 1800, step: 900, limit: 10_000)
        }
        if slots != expected {
            let first = zip(slots, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(slots.count, expected.count)
            Issue.record("""
                free slots of users \(users), resource \(resource.map(String.init) ?? "none") in \(from)..<\(to): \(slots.count) found, \
                \(expected.count) from busy_slots; first difference at \(first): \(slots.dropFirst(first).first.map(String.init(describing:)) ?? "none") \
                instead of \(expected.dropFirst(first).first.map(String.init(describing:)) ?? "none")
                """, sourceLocation: sourceLocation)
        }
    }
}

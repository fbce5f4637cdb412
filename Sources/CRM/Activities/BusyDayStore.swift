import Storage

/// The SQL of `busy_days` (migration 27): each user's and resource's busy time per UTC day
/// (`BusyDay`), derived from `busy_slots`. `ActivityStore` has the days an activity's busy rows
/// touch rewritten in the same transaction that changes those rows, so the table never lags
/// behind; free slots read a month as one short range per owner instead of every meeting in it.
/// Booking checks stay on `busy_slots`. Stored rows are read strictly.
enum BusyDayStore {
    /// One row of `busy_slots`, without its activity.
    struct Slot: Hashable {
        let kind: String
        let owner: Int64
        let start: Int64
        let end: Int64
    }

    private struct Owner: Hashable {
        let kind: String
        let id: Int64
    }

    /// Rewrites, from `busy_slots` as it is now, every day of its owner that a slot of `changed`
    /// touches: the busy rows an activity had before a write and has after it, less those it kept.
    static func refresh(_ db: Database, changed: some Sequence<Slot>) throws {
        var ranges: [Owner: [Range<Int64>]] = [:]
        for slot in changed { ranges[Owner(kind: slot.kind, id: slot.owner), default: []].append(slot.start..<slot.end) }
        for (owner, ranges) in ranges {
            var run: ClosedRange<Int64>?
            for day in BusyDay.days(touchedBy: ranges) {
                if let current = run, current.upperBound + 1 == day {
                    run = current.lowerBound...day
                    continue
                }
                if let run { try refresh(db, owner, days: run) }
                run = day...day
            }
            if let run { try refresh(db, owner, days: run) }
        }
    }

    /// Rewrites the days `days` of `owner`: the union of the busy rows overlapping them, cut at
    /// midnight; a day left with nothing loses its row.
    private static func refresh(_ db: Database, _ owner: Owner, days: ClosedRange<Int64>) throws {
        let window = BusyDay.span(of: days.lowerBound).lowerBound..<BusyDay.span(of: days.upperBound).upperBound
        var rows: [Range<Int64>] = []
        // A row overlapping the window starts at most the owner's longest booking before it.
        try db.forEachRaw("""
            SELECT start_at, end_at FROM busy_slots WHERE kind = ? AND owner_id = ? AND start_at < ? AND start_at >= ? AND end_at > ?
            """, [.text(owner.kind), .integer(owner.id), .integer(window.upperBound),
                  .integer(window.lowerBound - (try ActivityStore.longest(db, kind: owner.kind, owner: owner.id))), .integer(window.lowerBound)]) { row in
            rows.append(row.int64(0)..<row.int64(1))
        }
        try db.execute("DELETE FROM busy_days WHERE kind = ? AND owner_id = ? AND day BETWEEN ? AND ?",
                       [.text(owner.kind), .integer(owner.id), .integer(days.lowerBound), .integer(days.upperBound)])
        for (day, intervals) in BusyDay.split(Intervals.clip(Intervals.merge(rows), to: window)) {
            try insert(db, kind: owner.kind, owner: owner.id, day: day, intervals: intervals)
        }
    }

    /// Stores one day (migration 27 fills the table the same way).
    static func insert(_ db: Database, kind: String, owner: Int64, day: Int64, intervals: [Range<Int64>]) throws {
        try db.execute("INSERT INTO busy_days (kind, owner_id, day, intervals) VALUES (?, ?, ?, ?)",
                       [.text(kind), .integer(owner), .integer(day), .blob(BusyDay.encode(intervals, day: day))])
    }

    /// What occupies `owner` (a user or resource) within `windows` (merged): read from the days
    /// the windows touch, merged and cut to the windows.
    static func busy(_ db: Database, kind: String, owner: Int64, within windows: [Range<Int64>]) throws -> [Range<Int64>] {
        guard let first = windows.first?.lowerBound, let last = windows.last?.upperBound, first < last else { return [] }
        var intervals: [Range<Int64>] = [], window = 0
        try db.forEachRaw("SELECT day, intervals FROM busy_days WHERE kind = ? AND owner_id = ? AND day BETWEEN ? AND ? ORDER BY day",
                          [.text(kind), .integer(owner), .integer(BusyDay.day(containing: first)), .integer(BusyDay.day(containing: last - 1))]) { row in
            let day = row.int64(0)
            try StoredData.read("busy_days", "\(kind)/\(owner)/\(day)") {
                guard row.storageClass(1) == .blob else { throw StoredData.Problem("intervals: not a blob") }
                try BusyDay.decode(row.blobBytes(1), day: day, within: windows, from: &window, into: &intervals)
            }
        }
        return intervals
    }
}

import Storage

extension CRMMigrations {
    /// Migration 27: each user's and resource's busy time per UTC day (`busy_days`), so that
    /// `calendar.freeSlots` reads a month as about thirty rows per person instead of every meeting
    /// in it. A row is the union of the owner's `busy_slots` cut to the day
    /// [day × 86,400, (day + 1) × 86,400), in `BusyDay`'s compact format; a day with nothing
    /// busy has no row. It is derived data: `ActivityStore` rewrites the days an activity's busy
    /// rows touch in the same transaction as those rows, and booking checks still read
    /// `busy_slots`. Filled here from the busy rows already stored.
    static func busyDays(_ db: Database) throws {
        try db.executeScript("""
            CREATE TABLE busy_days (
                kind TEXT NOT NULL CHECK (kind IN ('user', 'resource')),
                owner_id INTEGER NOT NULL,
                day INTEGER NOT NULL,        -- UTC day number: floor(instant / 86400)
                intervals BLOB NOT NULL,     -- BusyDay format 1: merged intervals within the day
                PRIMARY KEY (kind, owner_id, day)
            ) WITHOUT ROWID;
            """)
        // busy_slots by its key: each owner's rows by start, so a union grows at its end.
        var owner: (kind: String, id: Int64)?
        var merged: [Range<Int64>] = []
        func flush() throws {
            guard let owner else { return }
            for (day, intervals) in BusyDay.split(merged) {
                try BusyDayStore.insert(db, kind: owner.kind, owner: owner.id, day: day, intervals: intervals)
            }
        }
        try db.forEach("SELECT kind, owner_id, start_at, end_at FROM busy_slots ORDER BY kind, owner_id, start_at") { row in
            let kind = try row.text("kind"), id = try row.int64("owner_id"), start = try row.int64("start_at"), end = try row.int64("end_at")
            if owner?.kind != kind || owner?.id != id {
                try flush()
                owner = (kind, id)
                merged = []
            }
            guard start < end else { return }
            if let last = merged.last, start <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, end)
            } else {
                merged.append(start..<end)
            }
        }
        try flush()
    }
}

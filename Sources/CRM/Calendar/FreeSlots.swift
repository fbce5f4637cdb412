import Foundation

/// Finding times when several users can all meet: slots of a given length inside the working
/// hours of every user, overlapping nobody's busy time nor the resource's (a room has no
/// working hours). Pure; each busy list in turn is cut to what is still free (a table lookup
/// per interval drops those outside everyone's working time), merged (one sweep when it comes
/// in order, as `busy_days` gives it; else two radix sorts) and subtracted, all linear.
package enum FreeSlots {
    /// Up to `limit` slots within [from, to), in time order, each `duration` seconds long.
    /// Starts lie on a grid of `step` seconds (default: `duration`) counted from local midnight
    /// in the FIRST user's zone — on the hour and half hour for a 30-minute step, whatever that
    /// zone's offset; on a day the clocks change by whole hours a step that divides an hour
    /// keeps that grid. `busy[i]` belongs to `calendars[i]` and may be unsorted and overlapping.
    /// Throws `CRMError.invalidValue` for no calendars, a busy list per user missing, a
    /// non-positive duration or step, or a negative limit.
    package static func find(calendars: [WorkCalendar], busy: [[Range<Int64>]], resourceBusy: [Range<Int64>]? = nil,
                             from: Int64, to: Int64, duration: Int64, step: Int64? = nil, limit: Int) throws(CRMError) -> [Range<Int64>] {
        let step = step ?? duration
        guard let grid = calendars.first?.timeZone else {
            throw CRMError.invalidValue(field: "users", reason: "empty", message: "at least one user is needed")
        }
        guard busy.count == calendars.count else {
            throw CRMError.invalidValue(field: "busy", reason: "count", message: "one busy list per user expected")
        }
        guard duration > 0 else { throw CRMError.invalidValue(field: "duration", reason: "positive", message: "the duration must be positive") }
        guard step > 0 else { throw CRMError.invalidValue(field: "step", reason: "positive", message: "the step must be positive") }
        guard limit >= 0 else { throw CRMError.invalidValue(field: "limit", reason: "negative", message: "the limit cannot be negative") }
        let from = max(from, WorkCalendar.supported.lowerBound), to = min(to, WorkCalendar.supported.upperBound)
        guard from < to, duration <= to - from, limit > 0 else { return [] }

        var free = calendars[0].workingIntervals(from: from, to: to)
        for calendar in calendars.dropFirst() where !free.isEmpty {
            free = Intervals.intersect(free, calendar.workingIntervals(from: from, to: to))
        }
        guard !free.isEmpty else { return [] }
        // What is left free shrinks list by list: free − (A ∪ B) = (free − A) − B.
        for list in busy + (resourceBusy.map { [$0] } ?? []) where !free.isEmpty {
            free = Intervals.subtract(free, Intervals.merge(Intervals.overlapping(list, free)))
        }

        var slots: [Range<Int64>] = []
        for window in free {
            var start = alignUp(window.lowerBound, step: step, in: grid)
            while start + duration <= window.upperBound {
                slots.append(start..<start + duration)
                if slots.count == limit { return slots }
                start = alignUp(start + 1, step: step, in: grid)
            }
        }
        return slots
    }

    /// The first grid point at or after `instant`: local midnight + k × step on the wall clock
    /// of `zone`; the grid starts again at each midnight when `step` does not divide a day (a
    /// step of a day or more gives midnights only).
    static func alignUp(_ instant: Int64, step: Int64, in zone: TimeZone) -> Int64 {
        let offset = zone.offset(at: instant)
        let wall = instant + offset
        let midnight = floorDivide(wall, 86_400) * 86_400
        let into = wall - midnight
        guard into > 0 else { return instant }
        let next = step >= 86_400 ? 86_400 : (into + step - 1) / step * step
        return midnight + min(next, 86_400) - offset
    }
}

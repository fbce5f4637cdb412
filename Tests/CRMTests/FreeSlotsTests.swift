import Foundation
import Testing
import TestSupport
@testable import CRM

/// Interval arithmetic and the search for slots when several users (and a room) are all free.
@Suite struct FreeSlotsTests {
    static func at(_ text: String) -> Int64 { Timestamp.parse(text)! }
    static func span(_ from: String, _ to: String) -> Range<Int64> { at(from)..<at(to) }
    static func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }
    static func allDay() throws -> WeeklyHours {
        try WeeklyHours(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [WallInterval(WallTime(minutes: 0)!, WallTime(minutes: 1440)!)!]) }))
    }

    // MARK: - Intervals

    @Test func mergeSortsJoinsOverlappingAndTouchingAndDropsEmpty() {
        #expect(Intervals.merge([]) == [])
        #expect(Intervals.merge([5..<5]) == [])
        #expect(Intervals.merge([10..<20, 1..<3, 3..<5, 15..<18, 19..<25, 7..<7, (-4)..<(-2), 30..<31])
                == [(-4)..<(-2), 1..<5, 10..<25, 30..<31])
        #expect(Intervals.merge([1..<100, 2..<3, 4..<5]) == [1..<100])
        #expect(Intervals.merge([1..<3, 3..<5, 4..<4, 4..<6, 8..<9, 8..<8, 8..<12]) == [1..<6, 8..<12])
    }

    @Test func mergeAgreesWithASlowUnionOnRandomLists() {
        var generator = SeededGenerator(seed: 7)
        for round in 0..<200 {
            let count = round < 100 ? Int.random(in: 0...20, using: &generator) : 300
            let ranges: [Range<Int64>] = (0..<count).map { _ in
                let start = Int64.random(in: -50...200, using: &generator)
                return start..<start + Int64.random(in: 0...15, using: &generator)
            }
            let covered = Set(ranges.flatMap { Array($0) })
            let merged = Intervals.merge(ranges)
            // In order of their starts they take the one sweep, and give the same.
            #expect(Intervals.merge(ranges.sorted { $0.lowerBound < $1.lowerBound }) == merged)
            #expect(Set(merged.flatMap { Array($0) }) == covered)
            #expect(zip(merged, merged.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
            #expect(merged.allSatisfy { !$0.isEmpty })
        }
    }

    @Test func theRadixSortSortsAnyIntegers() {
        var generator = SeededGenerator(seed: 11)
        for span in [Int64(100), 3_000_000, Int64.max] {
            var values = (0..<5_000).map { _ in Int64.random(in: -span...span, using: &generator) }
            values += [Int64.min, Int64.max, 0, 0]
            let expected = values.sorted()
            Intervals.radixSort(&values)
            #expect(values == expected)
        }
        var small: [Int64] = [3, -1, 2]
        Intervals.radixSort(&small)
        #expect(small == [-1, 2, 3])
    }

    @Test func intersectSubtractAndClip() {
        let a: [Range<Int64>] = [0..<10, 20..<30, 40..<50]
        let b: [Range<Int64>] = [5..<25, 28..<29, 45..<60]
        #expect(Intervals.intersect(a, b) == [5..<10, 20..<25, 28..<29, 45..<50])
        #expect(Intervals.intersect(a, []) == [])
        #expect(Intervals.intersect(a, a) == a)
        #expect(Intervals.subtract(a, b) == [0..<5, 25..<28, 29..<30, 40..<45])
        #expect(Intervals.subtract(a, []) == a)
        #expect(Intervals.subtract(a, [-5..<100]) == [])
        #expect(Intervals.subtract([0..<100], [10..<20, 30..<40]) == [0..<10, 20..<30, 40..<100])
        #expect(Intervals.clip(a, to: 5..<45) == [5..<10, 20..<30, 40..<45])
        #expect(Intervals.union([[0..<5], [5..<8, 10..<12]]) == [0..<8, 10..<12])
        #expect(Intervals.overlapping([3..<4, 10..<20, 35..<41, 60..<70, 30..<40, 9..<9, 9..<10], a) == [3..<4, 35..<41, 9..<10])
    }

    // MARK: - Free slots

    /// In February Moscow (+3) works 06:00–15:00Z and Berlin (+1) 08:00–17:00Z: together 08:00–15:00Z.
    @Test func slotsLieInEveryonesHoursAndMissEveryonesBusyTimeAndTheRooms() throws {
        let moscow = WorkCalendar(timeZone: Self.zone("Europe/Moscow")), berlin = WorkCalendar(timeZone: Self.zone("Europe/Berlin"))
        let slots = try FreeSlots.find(
            calendars: [moscow, berlin],
            busy: [[Self.span("2026-02-02T09:00:00Z", "2026-02-02T10:30:00Z")],
                   [Self.span("2026-02-02T12:45:00Z", "2026-02-02T12:50:00Z"), Self.span("2026-02-02T12:15:00Z", "2026-02-02T12:46:00Z")]],
            resourceBusy: [Self.span("2026-02-02T13:00:00Z", "2026-02-02T14:00:00Z")],
            from: Self.at("2026-02-02T00:00:00Z"), to: Self.at("2026-02-03T00:00:00Z"), duration: 3600, limit: 10)
        #expect(slots == [Self.span("2026-02-02T08:00:00Z", "2026-02-02T09:00:00Z"),
                          Self.span("2026-02-02T11:00:00Z", "2026-02-02T12:00:00Z"),
                          Self.span("2026-02-02T14:00:00Z", "2026-02-02T15:00:00Z")])
        // A room's busy time outside working hours changes nothing; the limit cuts the list.
        let first = try FreeSlots.find(calendars: [moscow, berlin], busy: [[], []], resourceBusy: [Self.span("2026-02-01T00:00:00Z", "2026-02-02T08:00:00Z")],
                                       from: Self.at("2026-02-02T00:00:00Z"), to: Self.at("2026-02-03T00:00:00Z"), duration: 3600, limit: 2)
        #expect(first == [Self.span("2026-02-02T08:00:00Z", "2026-02-02T09:00:00Z"), Self.span("2026-02-02T09:00:00Z", "2026-02-02T10:00:00Z")])
        #expect(try FreeSlots.find(calendars: [moscow], busy: [[]], from: 0, to: 100, duration: 60, limit: 0) == [])
    }

    /// The grid is the first user's: Kolkata (+05:30) puts hourly starts at :30 UTC.
    @Test func startsFollowTheFirstUsersLocalGrid() throws {
        let kolkata = WorkCalendar(timeZone: Self.zone("Asia/Kolkata")), anywhere = WorkCalendar(timeZone: Self.zone("UTC"), hours: try Self.allDay())
        let from = Self.at("2026-02-02T04:00:00Z"), to = Self.at("2026-02-02T07:00:00Z")  // Kolkata opens at 03:30Z
        let slots = try FreeSlots.find(calendars: [kolkata, anywhere], busy: [[], [Self.span("2026-02-02T04:00:00Z", "2026-02-02T04:10:00Z")]],
                                       from: from, to: to, duration: 1800, step: 3600, limit: 10)
        #expect(slots.map { Timestamp.format($0.lowerBound) } == ["2026-02-02T04:30:00Z", "2026-02-02T05:30:00Z", "2026-02-02T06:30:00Z"])
        let reversed = try FreeSlots.find(calendars: [anywhere, kolkata], busy: [[], []], from: from, to: to, duration: 1800, step: 3600, limit: 10)
        #expect(reversed.map { Timestamp.format($0.lowerBound) } == ["2026-02-02T04:00:00Z", "2026-02-02T05:00:00Z", "2026-02-02T06:00:00Z"])
        // A step shorter than the slot: overlapping candidates every 15 minutes.
        let dense = try FreeSlots.find(calendars: [anywhere], busy: [[]], from: Self.at("2026-02-02T10:07:00Z"), to: Self.at("2026-02-02T11:00:00Z"),
                                       duration: 1800, step: 900, limit: 10)
        #expect(dense.map { Timestamp.format($0.lowerBound) } == ["2026-02-02T10:15:00Z", "2026-02-02T10:30:00Z"])
    }

    /// On the day New York springs forward, hourly starts stay on the local hour.
    @Test func theGridKeepsTheLocalHourAcrossAClockChange() throws {
        let newYork = WorkCalendar(timeZone: Self.zone("America/New_York"), hours: try Self.allDay())
        let slots = try FreeSlots.find(calendars: [newYork], busy: [[]], from: Self.at("2026-03-08T04:30:00Z"), to: Self.at("2026-03-08T09:00:00Z"),
                                       duration: 3600, limit: 10)
        // 00:00 EST = 05:00Z, 01:00 EST = 06:00Z, 03:00 EDT = 07:00Z, 04:00 EDT = 08:00Z.
        #expect(slots.map { Timestamp.format($0.lowerBound) } == ["2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"])
    }

    /// Instants before 1900 or from year 10000 on are never working time; huge durations and
    /// steps give empty answers, not arithmetic overflows.
    @Test func extremeArgumentsGiveAnswersNotOverflows() throws {
        let calendar = WorkCalendar(timeZone: Self.zone("Europe/Moscow"))
        let early = Self.at("1900-01-03T00:00:00Z")
        #expect(try FreeSlots.find(calendars: [calendar], busy: [[Int64.min..<Int64.max]], from: .min, to: early, duration: 3600, limit: 3) == [])
        let first = try #require(try FreeSlots.find(calendars: [calendar], busy: [[]], from: .min, to: early, duration: 3600, limit: 1).first)
        #expect(Timestamp.format(first.lowerBound).hasPrefix("1900-01-01T0"))  // Monday, 09:00 local mean time
        #expect(calendar.isWithinWorkingHours(start: first.lowerBound, end: first.upperBound))
        #expect(try FreeSlots.find(calendars: [calendar], busy: [[]], from: .min, to: early, duration: 3600, step: .max, limit: 1) == [])
        #expect(try FreeSlots.find(calendars: [calendar], busy: [[]], from: .min, to: .max, duration: .max, limit: 1) == [])
        #expect(calendar.workingIntervals(from: .max - 10, to: .max).isEmpty)
        #expect(FreeSlots.alignUp(Self.at("2026-02-02T10:07:00Z"), step: .max, in: Self.zone("UTC")) == Self.at("2026-02-03T00:00:00Z"))
    }

    @Test func badArgumentsAreRefused() {
        let calendar = WorkCalendar(timeZone: Self.zone("UTC"))
        func field(_ body: () throws -> Void) -> String? {
            do { try body() } catch CRMError.invalidValue(let field, _, _) { return field } catch { return "\(error)" }
            return nil
        }
        #expect(field { _ = try FreeSlots.find(calendars: [], busy: [], from: 0, to: 1, duration: 1, limit: 1) } == "users")
        #expect(field { _ = try FreeSlots.find(calendars: [calendar], busy: [], from: 0, to: 1, duration: 1, limit: 1) } == "busy")
        #expect(field { _ = try FreeSlots.find(calendars: [calendar], busy: [[]], from: 0, to: 1, duration: 0, limit: 1) } == "duration")
        #expect(field { _ = try FreeSlots.find(calendars: [calendar], busy: [[]], from: 0, to: 1, duration: 1, step: -1, limit: 1) } == "step")
        #expect(field { _ = try FreeSlots.find(calendars: [calendar], busy: [[]], from: 0, to: 1, duration: 1, limit: -1) } == "limit")
    }

    /// Every slot a slow search finds, and no other: every grid start checked against every
    /// user's hours and every busy interval, for random weeks of three users in three zones.
    @Test func slotsAgreeWithASlowSearch() throws {
        var generator = SeededGenerator(seed: 42)
        let from = Self.at("2026-03-23T00:00:00Z"), to = Self.at("2026-04-06T00:00:00Z")  // Berlin's clocks change inside
        let calendars = [WorkCalendar(timeZone: Self.zone("Europe/Berlin")), WorkCalendar(timeZone: Self.zone("Europe/Moscow")),
                         WorkCalendar(timeZone: Self.zone("Europe/London"), daysOff: [LocalDate("2026-03-25")!])]
        for _ in 0..<5 {
            let busy: [[Range<Int64>]] = calendars.map { _ in (0..<40).map { _ in
                let start = Int64.random(in: from..<to, using: &generator)
                return start..<start + Int64.random(in: 600...10_800, using: &generator)
            } }
            let room: [Range<Int64>] = (0..<10).map { _ in let s = Int64.random(in: from..<to, using: &generator); return s..<s + 7200 }
            let fast = try FreeSlots.find(calendars: calendars, busy: busy, resourceBusy: room, from: from, to: to, duration: 2700, step: 900, limit: 10_000)
            var slow: [Range<Int64>] = []
            var start = from  // Berlin's midnight is on the 15-minute UTC grid
            while start + 2700 <= to {
                let slot = start..<start + 2700
                if calendars.allSatisfy({ $0.isWithinWorkingHours(start: slot.lowerBound, end: slot.upperBound) }),
                   !(busy.flatMap { $0 } + room).contains(where: { $0.overlaps(slot) }) {
                    slow.append(slot)
                }
                start += 900
            }
            #expect(!fast.isEmpty)
            #expect(fast == slow)
        }
    }

    /// The size the search is built for: 5 users × 10,000 busy intervals over a month. Only the
    /// answer is checked here (no timing in tests); each slot is checked against every interval.
    @Test func aMonthOfFiveBusyUsersGivesOnlyFreeSlots() throws {
        var generator = SeededGenerator(seed: 5)
        let from = Self.at("2026-03-01T00:00:00Z"), to = Self.at("2026-04-01T00:00:00Z")
        let calendars = ["Europe/Moscow", "Europe/Berlin", "Europe/Moscow", "Europe/Samara", "Europe/Berlin"].map { WorkCalendar(timeZone: Self.zone($0)) }
        let busy: [[Range<Int64>]] = calendars.map { _ in (0..<10_000).map { _ in
            let start = Int64.random(in: from..<to, using: &generator)
            return start..<start + Int64.random(in: 30...90, using: &generator)
        } }
        let slots = try FreeSlots.find(calendars: calendars, busy: busy, from: from, to: to, duration: 120, step: 60, limit: 50)
        #expect(slots.count == 50)
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.lowerBound < $1.lowerBound })
        let all = busy.flatMap { $0 }
        for slot in slots {
            #expect(slot.lowerBound % 60 == 0)
            #expect(calendars.allSatisfy { $0.isWithinWorkingHours(start: slot.lowerBound, end: slot.upperBound) })
            #expect(!all.contains { $0.overlaps(slot) })
        }
    }
}

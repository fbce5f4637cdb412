import Foundation
import JSONKit
import Testing
@testable import CRM

/// The RFC 5545 writer: exact output for a small calendar, TEXT escaping, folding at 75 octets
/// without splitting a Cyrillic letter, VTIMEZONE from tzdata, and an outside parser's reading.
@Suite struct ICalendarTests {
    static func at(_ text: String) -> Int64 { Timestamp.parse(text)! }
    static let stamp = at("2026-12-01T10:00:00Z")

    static let call = ICalendarItem(
        kind: .event, uid: "call-1@crmd", sequence: 2, start: at("2026-12-04T07:00:00Z"), end: at("2026-12-04T07:30:00Z"),
        timeZone: "Europe/Moscow", summary: "Звонок: ООО \"Ромашка\"", description: "Line1\nLine2; a, b \\ c", location: "Офис",
        status: .confirmed, created: at("2026-11-30T09:00:00Z"), lastModified: at("2026-12-01T09:30:00Z"),
        organizer: .init(name: "Иван Петров", email: "ivan@example.com"),
        attendees: [.init(name: "Smith, John", email: "john@example.com"), .init(name: "No Mail")], categories: ["call", "Важное"])

    @Test func aSmallCalendarIsWrittenExactly() throws {
        let text = try ICalendarWriter(stamp: Self.stamp).write([Self.call])
        let expected = """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//crmd//crmd//RU
            CALSCALE:GREGORIAN
            METHOD:PUBLISH
            BEGIN:VTIMEZONE
            TZID:Europe/Moscow
            BEGIN:STANDARD
            DTSTART:20141026T020000
            TZOFFSETFROM:+0400
            TZOFFSETTO:+0300
            TZNAME:+03
            END:STANDARD
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:call-1@crmd
            DTSTAMP:20261201T100000Z
            DTSTART;TZID=Europe/Moscow:20261204T100000
            DTEND;TZID=Europe/Moscow:20261204T103000
            SUMMARY:Звонок: ООО "Ромашка"
            DESCRIPTION:Line1\\nLine2\\; a\\, b \\\\ c
            LOCATION:Офис
            STATUS:CONFIRMED
            SEQUENCE:2
            CREATED:20261130T090000Z
            LAST-MODIFIED:20261201T093000Z
            ORGANIZER;CN=Иван Петров:mailto:ivan@example.com
            ATTENDEE;CN="Smith, John":mailto:john@example.com
            CATEGORIES:call,Важное
            END:VEVENT
            END:VCALENDAR

            """.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(text == expected)
    }

    @Test func textIsEscapedAndControlCharactersDropped() {
        #expect(ICalendarText.escape("a\\b;c,d\r\ne\nf\rg\u{1}h\tі\u{7F}") == "a\\\\b\\;c\\,d\\ne\\nf\\ngh\tі")
        #expect(ICalendarText.escape("\r\n\r\n") == "\\n\\n")
        #expect(ICalendarText.parameter("Smith; \"Jr\"") == "\"Smith; Jr\"")
        #expect(ICalendarText.parameter("Анна") == "Анна")
    }

    @Test func timesAndOffsetsHaveTheirRFCForms() {
        #expect(ICalendarText.utc(Self.at("2026-03-09T05:06:07Z")) == "20260309T050607Z")
        #expect(ICalendarText.local(Self.at("2026-03-09T05:06:07Z")) == "20260309T050607")
        #expect(ICalendarText.offset(10_800) == "+0300")
        #expect(ICalendarText.offset(-18_000) == "-0500")
        #expect(ICalendarText.offset(19_800) == "+0530")
        #expect(ICalendarText.offset(9_017) == "+023017")
        #expect(ICalendarText.offsetName(10_800) == "+03")
        #expect(ICalendarText.offsetName(19_800) == "+0530")
        #expect(ICalendarText.offsetName(0) == "+00")
    }

    /// 8 octets of `SUMMARY:` and 33 two-octet letters make 74; the 34th would make 76, so the
    /// line breaks there, and each continuation holds a space and 37 letters (75 octets).
    @Test func longCyrillicLinesFoldAt75OctetsBetweenLetters() throws {
        let summary = String(repeating: "Щ", count: 100)
        let lines = ICalendarText.fold("SUMMARY:" + summary)
        #expect(lines.map(\.utf8.count) == [74, 75, 61])
        #expect(lines[0] == "SUMMARY:" + String(repeating: "Щ", count: 33))
        #expect(lines[1] == " " + String(repeating: "Щ", count: 37))
        #expect(ICalendarText.fold(String(repeating: "a", count: 75)) == [String(repeating: "a", count: 75)])
        #expect(ICalendarText.fold(String(repeating: "a", count: 76)) == [String(repeating: "a", count: 75), " a"])
        // A three- and a four-octet character at the boundary move to the next line whole.
        let mixed = String(repeating: "a", count: 73) + "€😀b"
        #expect(ICalendarText.fold(mixed) == [String(repeating: "a", count: 73), " €😀b"])

        var item = Self.call
        item.description = String(repeating: "Длинное описание встречи, с запятыми; и точками с запятой. ", count: 20)
        let text = try ICalendarWriter(stamp: Self.stamp).write([item])
        let physical = text.components(separatedBy: "\r\n")
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:" + ICalendarText.escape(item.description!) + "\r\n"))
    }

    /// Berlin: the event on Friday 27 March is in CET, the task due Thursday 2 April in CEST;
    /// the zone lists the change to CET of October 2025 (in force at the first item) and the
    /// change to CEST of 29 March 2026.
    @Test func aZoneWithSummerTimeListsTheChangesTheItemsSpan() throws {
        let meeting = ICalendarItem(kind: .event, uid: "m", start: Self.at("2026-03-27T09:00:00Z"), end: Self.at("2026-03-27T10:00:00Z"),
                                    timeZone: "Europe/Berlin", summary: "Встреча")
        let task = ICalendarItem(kind: .todo, uid: "t", sequence: 1, due: Self.at("2026-04-02T08:00:00Z"), timeZone: "Europe/Berlin",
                                 summary: "Задача", status: .completed, completed: Self.at("2026-04-01T15:00:00Z"))
        let text = try ICalendarWriter(stamp: Self.stamp).write([meeting, task])
        let zone = """
            BEGIN:VTIMEZONE
            TZID:Europe/Berlin
            BEGIN:STANDARD
            DTSTART:20251026T030000
            TZOFFSETFROM:+0200
            TZOFFSETTO:+0100
            TZNAME:+01
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:20260329T020000
            TZOFFSETFROM:+0100
            TZOFFSETTO:+0200
            TZNAME:+02
            END:DAYLIGHT
            END:VTIMEZONE
            """.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(text.contains(zone))
        #expect(text.components(separatedBy: "BEGIN:VTIMEZONE").count == 2)
        #expect(text.contains("DTSTART;TZID=Europe/Berlin:20260327T100000\r\nDTEND;TZID=Europe/Berlin:20260327T110000\r\n"))
        #expect(text.contains("BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20261201T100000Z\r\nDUE;TZID=Europe/Berlin:20260402T100000\r\nSUMMARY:Задача\r\nSTATUS:COMPLETED\r\nCOMPLETED:20260401T150000Z\r\nSEQUENCE:1\r\nEND:VTODO\r\n"))
    }

    @Test func aZoneWithoutChangesInTheSpanGetsOneStandardObservance() throws {
        let item = ICalendarItem(kind: .event, uid: "k", start: Self.at("2026-06-01T05:00:00Z"), end: Self.at("2026-06-01T06:00:00Z"),
                                 timeZone: "Etc/GMT-3", summary: "x")
        let text = try ICalendarWriter(stamp: Self.stamp).write([item])
        #expect(text.contains("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nTZNAME:+03\r\nEND:STANDARD\r\n"))
        #expect(text.contains("DTSTART;TZID=Etc/GMT-3:20260601T080000\r\n"))
    }

    @Test func utcItemsAreWrittenInUTCWithoutATimeZone() throws {
        let task = ICalendarItem(kind: .todo, uid: "u", due: Self.at("2026-06-01T05:00:00Z"), timeZone: "UTC", summary: "x",
                                 status: .needsAction, completed: Self.at("2026-06-01T04:00:00Z"))
        let text = try ICalendarWriter(stamp: Self.stamp).write([task])
        #expect(!text.contains("VTIMEZONE"))
        #expect(text.contains("DUE:20260601T050000Z\r\n"))
        #expect(!text.contains("COMPLETED:"))
        #expect(try ICalendarWriter(stamp: Self.stamp).write([]) ==
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crmd//crmd//RU\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")
    }

    @Test func badItemsAreRefusedNamingTheField() {
        func field(_ change: (inout ICalendarItem) -> Void) -> String? {
            var item = Self.call
            change(&item)
            do { _ = try ICalendarWriter(stamp: Self.stamp).write([Self.call, item]) } catch CRMError.invalidValue(let field, _, _) { return field } catch { return "\(error)" }
            return nil
        }
        #expect(field { _ in } == nil)
        #expect(field { $0.uid = "" } == "items[1].uid")
        #expect(field { $0.timeZone = "Moscow" } == "items[1].timeZone")
        #expect(field { $0.end = nil } == "items[1].end")
        #expect(field { $0.start = nil } == "items[1].start")
        #expect(field { $0.end = $0.start! - 1 } == "items[1].end")
        #expect(field { $0.status = .completed } == "items[1].status")
        #expect(field { $0.sequence = -1 } == "items[1].sequence")
        #expect(field { $0.kind = .todo; $0.status = .confirmed } == "items[1].status")
        #expect(field { $0.kind = .todo; $0.status = nil; $0.due = $0.start! - 60 } == "items[1].due")
    }

    // MARK: - An outside parser

    /// A calendar of both kinds, two zones, a DST change and long Cyrillic text.
    static func sample() throws -> String {
        var meeting = call
        meeting.description = String(repeating: "Обсудить договор; счёт, акт. ", count: 8)
        let berlin = ICalendarItem(kind: .event, uid: "meeting-2@crmd", sequence: 0, start: at("2026-03-29T08:00:00Z"), end: at("2026-03-29T09:00:00Z"),
                                   timeZone: "Europe/Berlin", summary: "Встреча в Берлине", status: .cancelled)
        let task = ICalendarItem(kind: .todo, uid: "task-3@crmd", sequence: 4, due: at("2026-03-27T16:00:00Z"), timeZone: "Europe/Berlin",
                                 summary: "Отправить КП", status: .completed, completed: at("2026-03-26T12:00:00Z"))
        return try ICalendarWriter(stamp: stamp).write([meeting, berlin, task])
    }

    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        let candidates = [environment["ICAL_PYTHON"]].compactMap { $0 } + onPath + [root.appendingPathComponent(".venv-test/bin/python3").path]
        return candidates.first { path in
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            return (try? run(path, ["-c", "import icalendar"]))?.status == 0
        }
    }()

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Writes the sample to `$ICAL_OUT` (a directory) when set, for reading by hand or by the
    /// end-to-end tests.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ICAL_OUT"] != nil, "set ICAL_OUT to a directory to write sample.ics"))
    func theSampleIsWrittenWhereAsked() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ICAL_OUT"]!)
        try Data(try Self.sample().utf8).write(to: directory.appendingPathComponent("sample.ics"))
    }

    /// Tests/python/ical_check.py reads the sample with the `icalendar` package; skipped (and
    /// reported so) where no Python has it: `$ICAL_PYTHON`, `python3` on the PATH (scripts/test
    /// puts .venv-test's first), or the package's .venv-test.
    @Test(.enabled(if: ICalendarTests.python != nil, "no python3 with the icalendar package (ICAL_PYTHON, PATH, .venv-test)"))
    func anOutsideParserReadsWhatWasMeant() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ical-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sample.ics")
        try Data(try Self.sample().utf8).write(to: file)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/ical_check.py").path
        let (status, output) = try Self.run(try #require(Self.python), [script, file.path])
        #expect(status == 0)
        let summary = try JSON.parse(output)
        #expect(summary["prodid"] == "-//crmd//crmd//RU")
        #expect(summary["timezones"] == ["Europe/Berlin", "Europe/Moscow"])
        let items = try #require(summary["items"]?.arrayValue)
        #expect(items.map { $0["uid"] } == ["call-1@crmd", "meeting-2@crmd", "task-3@crmd"])
        #expect(items[0]["summary"] == "Звонок: ООО \"Ромашка\"")
        #expect(items[0]["description"] == .string(String(repeating: "Обсудить договор; счёт, акт. ", count: 8)))
        #expect(items[0]["start"]?["local"] == "2026-12-04T10:00:00+03:00")
        #expect(items[0]["end"]?["utc"] == "2026-12-04T07:30:00Z")
        #expect(items[0]["sequence"] == 2)
        #expect(items[0]["organizer"] == [["cn": "Иван Петров", "address": "mailto:ivan@example.com"]])
        #expect(items[0]["attendees"] == [["cn": "Smith, John", "address": "mailto:john@example.com"]])
        #expect(items[0]["categories"] == ["call", "Важное"])
        // 29 March is the day Berlin springs forward: 10:00 CEST.
        #expect(items[1]["start"]?["local"] == "2026-03-29T10:00:00+02:00")
        #expect(items[1]["status"] == "CANCELLED")
        #expect(items[2]["kind"] == "VTODO")
        #expect(items[2]["due"]?["local"] == "2026-03-27T17:00:00+01:00")
        #expect(items[2]["completed"]?["utc"] == "2026-03-26T12:00:00Z")
        #expect(items[2]["status"] == "COMPLETED")
        #expect(items[2]["sequence"] == 4)

        // Under names tzdata does not know, the parser has only our VTIMEZONEs to go by.
        let renamed = try Self.sample().replacingOccurrences(of: "Europe/", with: "Test/")
        try Data(renamed.utf8).write(to: file)
        let (_, ownOutput) = try Self.run(try #require(Self.python), [script, file.path])
        let own = try #require(try JSON.parse(ownOutput)["items"]?.arrayValue)
        #expect(own.map { $0["start"]?["local"] ?? $0["due"]?["local"] } ==
                ["2026-12-04T10:00:00+03:00", "2026-03-29T10:00:00+02:00", "2026-03-27T17:00:00+01:00"])
        #expect(own[1]["start"]?["tzid"] == "Test/Berlin")
    }
}

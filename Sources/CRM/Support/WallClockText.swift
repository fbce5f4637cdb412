import Foundation
import RussianFormats

/// An instant as people read it on a wall clock, the Russian way: «10 декабря 2026 г.» and «11:00».
enum WallClockText {
    static func local(_ instant: Int64, _ zone: TimeZone) -> (date: String, time: String) {
        let wall = Timestamp.format(instant + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))))
        let year = Int(wall.prefix(4)) ?? 1970, month = Int(wall.dropFirst(5).prefix(2)) ?? 1, day = Int(wall.dropFirst(8).prefix(2)) ?? 1
        return (RussianDate.long(year: year, month: month, day: day), String(wall.dropFirst(11).prefix(5)))
    }
}

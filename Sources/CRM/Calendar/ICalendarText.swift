/// The lexical rules of RFC 5545 the writer keeps: TEXT escaping, parameter quoting, date-times
/// and UTC offsets, and folding content lines at 75 octets.
enum ICalendarText {
    /// A TEXT value: backslash, semicolon and comma escaped, any line break as `\n`, other
    /// control characters (which TEXT may not hold) dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousWasCR { out += "\\n" }
            case "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: break
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A parameter value (CN): double quotes and control characters dropped, quoted when it
    /// holds `:`, `;` or `,`.
    static func parameter(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\"" && $0.value >= 0x20 && $0.value != 0x7F }))
        return clean.contains(where: { ":;,".contains($0) }) ? "\"\(clean)\"" : clean
    }

    /// `20261129T101500Z`.
    static func utc(_ instant: Int64) -> String {
        Timestamp.format(instant).filter { $0 != "-" && $0 != ":" }
    }

    /// `20261129T131500`: `wall` (seconds since 1970-01-01T00:00 on some wall clock) with no zone.
    static func local(_ wall: Int64) -> String {
        String(utc(wall).dropLast())
    }

    /// `+0300`, `-0500`, `+0530`, with seconds when there are any (`+023017`).
    static func offset(_ seconds: Int64) -> String {
        let magnitude = abs(seconds)
        let two = { (value: Int64) in value < 10 ? "0\(value)" : "\(value)" }
        let text = (seconds < 0 ? "-" : "+") + two(magnitude / 3600) + two(magnitude % 3600 / 60)
        return magnitude % 60 == 0 ? text : text + two(magnitude % 60)
    }

    /// A TZNAME for an offset: the numeric form tzdata itself uses when a zone has no letters
    /// (`+03`, `-05`, `+0530`); Foundation on Linux knows no reliable letter abbreviations.
    static func offsetName(_ seconds: Int64) -> String {
        let text = offset(seconds)
        return text.hasSuffix("00") && text.count == 5 ? String(text.prefix(3)) : text
    }

    /// `line` folded into physical lines of at most 75 octets: a continuation line starts with
    /// one space (counted), and a UTF-8 character is never split.
    static func fold(_ line: String) -> [String] {
        guard line.utf8.count > 75 else { return [line] }
        var lines: [String] = [], current = String.UnicodeScalarView(), octets = 0, limit = 75
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > limit {
                lines.append((lines.isEmpty ? "" : " ") + String(current))
                current = String.UnicodeScalarView()
                octets = 0
                limit = 74
            }
            current.append(scalar)
            octets += size
        }
        lines.append((lines.isEmpty ? "" : " ") + String(current))
        return lines
    }
}

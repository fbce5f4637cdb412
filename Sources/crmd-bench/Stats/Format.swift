import Foundation
import JSONKit

/// Number formatting for the reports and the `--json` output.
enum Format {
    static func ms(_ nanoseconds: UInt64) -> String { fixed(Double(nanoseconds) / 1e6, 3) }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    /// A JSON number with `digits` decimals (JSONKit keeps the text exactly).
    static func number(_ value: Double, _ digits: Int = 3) -> JSON {
        guard value.isFinite, let number = JSONNumber(fixed(value, digits)) else { return .null }
        return .number(number)
    }

    static func milliseconds(_ nanoseconds: UInt64) -> JSON { number(Double(nanoseconds) / 1e6, 3) }

    static func integer<T: BinaryInteger>(_ value: T) -> JSON { .number(JSONNumber(Int64(value))) }

    /// Median and nearest-rank quantiles of a small sample.
    static func quantile(_ sorted: [UInt64], _ q: Double) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    static func printJSON(_ value: JSON) {
        print(value.text)
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

extension Format {
    /// The human-readable lines on stdout; with `json`, the JSON object on stdout instead and
    /// the lines on stderr (so a script can capture one and still show the other).
    static func emit(_ human: String, json: JSON?) {
        if let json {
            printJSON(json)
            warn(human)
        } else {
            print(human)
        }
    }
}

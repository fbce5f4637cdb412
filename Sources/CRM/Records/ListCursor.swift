import Foundation
import JSONKit
import Storage

/// An opaque keyset cursor: the sort-key values and id of the last row of a page, plus the
/// order it belongs to, so a cursor used with another order is refused instead of misread.
struct ListCursor {
    var order: String
    var keys: [SQLValue]
    var id: Int64

    func encoded() -> String {
        let json: JSON = ["o": .string(order), "k": .array(keys.map(Self.json)), "i": .int(id)]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init(order: String, keys: [SQLValue], id: Int64) {
        self.order = order
        self.keys = keys
        self.id = id
    }

    init?(_ text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let json = try? JSON.parse(Array(data)),
              case .string(let order)? = json["o"], case .array(let keys)? = json["k"], let id = json["i"]?.int64Value else { return nil }
        var values: [SQLValue] = []
        for key in keys {
            switch key {
            case .null: values.append(.null)
            case .string(let s): values.append(.text(s))
            case .number(let n):
                guard let i = n.int64Value else { return nil }
                values.append(.integer(i))
            default: return nil
            }
        }
        self.init(order: order, keys: values, id: id)
    }

    private static func json(_ value: SQLValue) -> JSON {
        switch value {
        case .integer(let i): .int(i)
        case .text(let s): .string(s)
        default: .null
        }
    }
}

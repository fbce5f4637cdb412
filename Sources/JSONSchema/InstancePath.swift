/// One step into an instance: an object member or an array element.
enum PathComponent: Sendable, Comparable {
    case key(String)
    case index(Int)

    var token: String {
        switch self {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }

    static func render(_ components: [PathComponent]) -> String {
        JSONPointer.render(components.lazy.map(\.token))
    }

    static func < (lhs: PathComponent, rhs: PathComponent) -> Bool {
        switch (lhs, rhs) {
        case (.index(let l), .index(let r)): l < r
        case (.key(let l), .key(let r)): l < r
        case (.index, .key): true
        case (.key, .index): false
        }
    }
}

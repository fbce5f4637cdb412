/// Remembers the results of a text transformation that is costly (Unicode case mapping) and
/// applied to few distinct values many times, such as place names and first names in the
/// registry.
///
/// Bounded: past `capacity` entries it starts over, so memory stays flat on any input.
struct TextCache {
    private var results: [String: String?] = [:]
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    mutating func value(_ key: String, _ compute: (String) -> String?) -> String? {
        if let known = results[key] { return known }
        let value = compute(key)
        if results.count >= capacity { results.removeAll(keepingCapacity: true) }
        results[key] = value
        return value
    }
}

/// The properties and items of one instance location that some keyword has already evaluated,
/// for `unevaluatedProperties` and `unevaluatedItems`. Only subschemas that succeed contribute.
struct EvaluatedLocations {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    /// Items `0..<itemPrefix` are evaluated.
    var itemPrefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: EvaluatedLocations) {
        allProperties = allProperties || other.allProperties
        if !allProperties { properties.formUnion(other.properties) }
        allItems = allItems || other.allItems
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !allItems { items.formUnion(other.items) }
    }

    func isPropertyEvaluated(_ name: String) -> Bool { allProperties || properties.contains(name) }
    func isItemEvaluated(_ index: Int) -> Bool { allItems || index < itemPrefix || items.contains(index) }
}

extension EvaluatedLocations {
    mutating func markItems(upTo count: Int) { itemPrefix = max(itemPrefix, count) }
}

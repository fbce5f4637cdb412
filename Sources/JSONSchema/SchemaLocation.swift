/// A place in one loaded document: the document's index and JSON Pointer tokens from its root.
struct SchemaLocation: Sendable, Hashable {
    var document: Int
    var pointer: [String]

    func appending(_ tokens: [String]) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + tokens)
    }

    func appending(_ tokens: String...) -> SchemaLocation { appending(tokens) }
}

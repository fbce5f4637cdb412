/// The `filename` of a `file` or `import` request: a plain file name, as 1C names what it
/// uploads (`orders-2f1c….xml`). Uploads are kept by this name within their session, never
/// on disk by it; still, anything that reads as a path is refused, so no name means a place.
struct OneCFileName: Hashable {
    let text: String

    /// The name, or the failure that says why it is none: absent or empty, longer than 255
    /// bytes, containing `..`, a `/` or `\`, NUL or another control character.
    init(_ text: String?) throws(OneCFailure) {
        guard let text, !text.isEmpty else { throw OneCFailure("the request names no file (filename=…)") }
        if text.utf8.count > 255 { throw OneCFailure("the file name is longer than 255 bytes") }
        if text.contains("..") { throw OneCFailure("the file name «\(text)» contains “..”; a plain name is expected") }
        if text.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" }) {
            throw OneCFailure("the file name «\(text)» is a path; a plain name is expected")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw OneCFailure("the file name contains a control character")
        }
        self.text = text
    }
}

/// A fixture that could not be made (a failing Python script, a stub that did not start).
struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

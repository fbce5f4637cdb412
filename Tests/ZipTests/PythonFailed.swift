/// A fixture script that exited with an error, with its standard error.
struct PythonFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { "python3 failed: \(message)" }
}

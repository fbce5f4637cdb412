/// The outcome of a successful import: records read (`organisations + entrepreneurs`; a record
/// repeated for the same INN counts each time), XML files read, and the registry's own date
/// (`ДатаСост`, the latest one seen, as "YYYY-MM-DD").
public struct RegistryImportSummary: Sendable, Equatable {
    public var records: Int
    public var organisations: Int
    public var entrepreneurs: Int
    public var files: Int
    public var sourceDate: String?

    public init(records: Int, organisations: Int, entrepreneurs: Int, files: Int, sourceDate: String?) {
        self.records = records
        self.organisations = organisations
        self.entrepreneurs = entrepreneurs
        self.files = files
        self.sourceDate = sourceDate
    }
}

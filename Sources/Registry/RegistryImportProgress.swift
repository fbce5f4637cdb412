/// How far an import has got: records parsed so far and bytes read from the file (compressed
/// bytes for a ZIP), out of `totalBytes` when the size is known.
public struct RegistryImportProgress: Sendable, Equatable {
    public var records: Int
    public var bytesRead: Int64
    public var totalBytes: Int64?

    public init(records: Int, bytesRead: Int64, totalBytes: Int64?) {
        self.records = records
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}

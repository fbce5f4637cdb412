import JSONKit
import Registry

extension CRM {
    /// `registry.import`: loads the tax service's SME registry file into the offline registry,
    /// reporting progress as it goes. The file is read as a stream; a bad file changes nothing.
    /// Only files under the config file's `importDirs` are read (else 1007 `outsideImportDirs`),
    /// and only regular files (else 1007 `notAFile`: a directory, a FIFO, a device — a FIFO
    /// must not hold the call, and a stopping server behind it, waiting for a writer).
    package func registryImport(path: String, format: String, progress: (JSON) -> Void) throws -> JSON {
        guard format == "rsmp" else {
            throw CRMError.invalidValue(field: "format", reason: "option", message: "the only registry format is rsmp")
        }
        let path = try local.importablePath(path, field: "path")
        let offline = try registry.offlineRegistry()
        let summary: RegistryImportSummary
        do {
            summary = try offline.importFile(path: path) { step in
                progress(["records": .int(step.records), "bytesRead": .int(step.bytesRead),
                          "totalBytes": step.totalBytes.map(JSON.int) ?? .null])
            }
        } catch .notAFile(let path, let kind) {
            throw CRMError.invalidValue(field: "path", reason: "notAFile", message: "\(path) is \(kind); only a regular file can be imported")
        } catch {
            throw CRMError.registryUnavailable(reason: error.reason, detail: "\(error)")
        }
        return [
            "records": .int(summary.records), "organisations": .int(summary.organisations),
            "entrepreneurs": .int(summary.entrepreneurs), "files": .int(summary.files),
            "sourceDate": summary.sourceDate.map(JSON.string) ?? .null,
        ]
    }
}

import Foundation

// The reference web client (Clients/web), embedded so that `crmd bridge` serves it wherever
// the executable is. Written by scripts/embed-web; do not edit.
enum EmbeddedWeb {
    /// Each file's bytes by its path under Clients/web, decoded on first use.
    static let files: [String: [UInt8]] = encoded.mapValues { Array(Data(base64Encoded: $0)!) }

    private static let encoded: [String: String] = [:]
}

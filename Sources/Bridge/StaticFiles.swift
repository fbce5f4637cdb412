import Foundation
import HTTP

/// The reference web client's files: from a directory (`--web DIR`, for development) or the
/// copy embedded in the executable. Paths are checked before any file is looked up: a dot
/// segment, a backslash or a NUL is 400, so nothing outside the client can be reached.
struct StaticFiles: Sendable {
    let root: String?

    func respond(path: String) -> HTTPResponse {
        var relative = path == "/" ? "index.html" : String(path.dropFirst())
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }),
              !relative.contains("\\"), !relative.contains("\0") else {
            return .plain(400, "Bad path.")
        }
        if relative.hasSuffix("/") { relative += "index.html" }
        guard let body = file(relative) else { return .plain(404, "Not found: \(path)") }
        var response = HTTPResponse(status: 200, body: body)
        response.headers.set("Content-Type", Self.contentType(relative))
        response.headers.set("Cache-Control", "no-cache")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("X-Frame-Options", "DENY")
        response.headers.set("Referrer-Policy", "no-referrer")
        response.headers.set("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob:; object-src 'self' blob:; base-uri 'none'; frame-ancestors 'none'")
        return response
    }

    private func file(_ relative: String) -> [UInt8]? {
        guard let root else { return EmbeddedWeb.files[relative] }
        let path = root + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return Array(data)
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

/// The bounds of the 1C site exchange: how much 1C may upload and how long a session lasts.
/// Uploads are kept in memory until imported, so the most they can take is `totalUploadLimit`.
package struct OneCExchangeLimits: Sendable {
    /// `file_limit` told to 1C at `init`: the most bytes one `mode=file` request may carry (1C
    /// cuts a larger file into chunks of this size). Keep it within the HTTP server's body limit.
    package var fileLimit: Int
    /// The most bytes of uploads, not yet imported, one session may hold: 32 MiB by default,
    /// the largest file `exchange.importPayments` takes.
    package var uploadLimit: Int
    /// The most bytes of uploads all sessions together may hold.
    package var totalUploadLimit: Int
    /// Sessions kept at once; a new one past it drops the one used longest ago.
    package var maxSessions: Int
    /// A session unused for this many seconds is gone: 1C signs in again with `checkauth`.
    package var sessionIdleSeconds: Int64

    package init(fileLimit: Int = 4 << 20, uploadLimit: Int = 32 << 20, totalUploadLimit: Int = 64 << 20,
                 maxSessions: Int = 16, sessionIdleSeconds: Int64 = 1800) {
        self.fileLimit = fileLimit
        self.uploadLimit = uploadLimit
        self.totalUploadLimit = totalUploadLimit
        self.maxSessions = maxSessions
        self.sessionIdleSeconds = sessionIdleSeconds
    }
}

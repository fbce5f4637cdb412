import Glibc

/// How many socket clients the process can hold open descriptors for: `RLIMIT_NOFILE` less a
/// reserve for everything else (the database and its readers, files, child processes), so a
/// full house of clients never leaves the database unable to open a file.
enum DescriptorBudget {
    /// The soft `RLIMIT_NOFILE`, first raised (never above the hard limit, never lowered) to
    /// make room for `wanted` connections plus `reserve`.
    static func raiseLimit(toFit wanted: Int, reserve: Int) -> Int {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int.max }
        let needed = rlim_t(clamping: max(0, wanted) + max(0, reserve))
        if limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(needed, limit.rlim_max)
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The connection limit to apply: `configured`, lowered to what `descriptorLimit` leaves
    /// after `reserve`; at least 1.
    static func connectionLimit(configured: Int, descriptorLimit: Int, reserve: Int) -> Int {
        max(1, min(configured, descriptorLimit - max(0, reserve)))
    }

    /// The soft `RLIMIT_NOFILE` as it is now.
    static var descriptorLimit: Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int.max }
        return Int(clamping: limit.rlim_cur)
    }
}

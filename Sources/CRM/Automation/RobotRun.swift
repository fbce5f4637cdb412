import JSONKit

/// What one run of a robot's action came to, as the robot log (`automation.log`) keeps it.
struct RobotRun {
    enum Result: String {
        /// The action did what it does.
        case done
        /// Nothing to do: the condition was false, nobody to tell, no phone or address; `reason` says which.
        case skipped
        /// The action failed; `reason` is the error. A failure in the write that woke it is tried again (`data.retryAt`).
        case failed
        /// A message handed to an outbox (e-mail, SMS, webhook), delivered afterwards.
        case queued
    }

    var result: Result
    var reason: String?
    var data: [String: JSON] = [:]

    static func done(_ data: [String: JSON] = [:]) -> RobotRun { RobotRun(result: .done, reason: nil, data: data) }
    static func skipped(_ why: String) -> RobotRun { RobotRun(result: .skipped, reason: why) }
    static func failed(_ why: String, _ data: [String: JSON] = [:]) -> RobotRun { RobotRun(result: .failed, reason: why, data: data) }
    static func queued(_ data: [String: JSON]) -> RobotRun { RobotRun(result: .queued, reason: nil, data: data) }
}

import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One blocking HTTP(S) exchange with an SMS gateway, through Foundation's URLSession (the
/// same client the online registry uses; it speaks TLS, which SMS.ru requires).
///
/// The rule it keeps: the whole exchange ends within `timeout` (the session's own timers only
/// count whole seconds, so they are a backstop); no answer in time, a refused or broken
/// connection are `temporary`, since the gateway cannot have taken the message without
/// answering — except a timeout, after which it may have; that one is retried too, as the
/// gateways ask. Redirects are not followed.
enum GatewayHTTP {
    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]
    }

    static func exchange(method: String, url: URL, contentType: String? = nil, body: [UInt8]? = nil,
                         timeout: Duration) throws(SMSDeliveryError) -> Answer {
        var request = URLRequest(url: url)
        request.httpMethod = method
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        request.timeoutInterval = (seconds + 1).rounded(.up)
        request.cachePolicy = .reloadIgnoringLocalCacheData
        if let body { request.httpBody = Data(body) }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.setValue("crmd", forHTTPHeaderField: "User-Agent")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = (seconds + 1).rounded(.up)
        configuration.timeoutIntervalForResource = (seconds + 1).rounded(.up)
        let delegate = NoRedirects()
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            outcome.set(data: data, response: response, error: error)
        }
        task.resume()
        guard outcome.wait(seconds: seconds) else {
            task.cancel()
            throw .temporary("timeout", "no answer from \(url.host ?? "the gateway") within \(timeout.components.seconds) s")
        }
        return try outcome.answer(url)
    }

    /// The completion handed from URLSession's queue to the waiting thread.
    private final class Outcome: Sendable {
        private let state = Mutex<(data: Data?, status: Int?, error: String?, timedOut: Bool)>((nil, nil, nil, false))
        private let done = DispatchSemaphore(value: 0)

        func set(data: Data?, response: URLResponse?, error: (any Error)?) {
            state.withLock { state in
                state.data = data
                state.status = (response as? HTTPURLResponse)?.statusCode
                if let error {
                    state.error = (error as? URLError).map { $0.localizedDescription } ?? "\(error)"
                    state.timedOut = (error as? URLError)?.code == .timedOut
                }
            }
            done.signal()
        }

        func wait(seconds: Double) -> Bool { done.wait(timeout: .now() + seconds) == .success }

        func answer(_ url: URL) throws(SMSDeliveryError) -> Answer {
            let (data, status, error, timedOut) = state.withLock { ($0.data, $0.status, $0.error, $0.timedOut) }
            if timedOut { throw .temporary("timeout", "no answer from \(url.host ?? "the gateway") in time") }
            if let error { throw .temporary("unreachable", "\(url.host ?? "the gateway"): \(error)") }
            guard let status else { throw .temporary("unreachable", "no HTTP answer from \(url.host ?? "the gateway")") }
            return Answer(status: status, body: data.map { Array($0.prefix(64 * 1024)) } ?? [])
        }
    }

    /// A 3xx is the gateway's answer, not a place to send the message (and its secret) to.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSONKit

/// The online company registry: the common commercial "findById/party" API.
///
/// `lookup` sends `POST {baseURL}/suggestions/api/4_1/rs/findById/party` with
/// `Authorization: Token KEY` and `{"query": inn, "branch_type": "MAIN"}`, waits at most
/// `timeout` (it blocks the calling thread, which must be a dedicated OS thread, never one of the
/// Swift concurrency pool), and maps the first suggestion's `data` to requisite fields (see
/// `PartyMapping`). No suggestion means not found (nil). 401/403 → `unauthorized`, another
/// HTTP error → `httpStatus`, no answer in time → `timeout`, no connection → `unreachable`, an
/// answer that is not the API's JSON → `badResponse`.
public struct OnlineRegistry: CompanyRegistry {
    public let baseURL: URL
    public let timeout: Duration
    private let token: String
    private let session: URLSession

    static let path = "suggestions/api/4_1/rs/findById/party"

    public init(baseURL: URL, token: String, timeout: Duration = .seconds(5)) {
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        // The session's own timers count whole seconds (0.8 s would fire at once), so they are
        // only a backstop beyond `timeout`, which `post` enforces itself.
        configuration.timeoutIntervalForRequest = Self.sessionTimeout(timeout)
        configuration.timeoutIntervalForResource = Self.sessionTimeout(timeout)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    public func lookup(inn: String) throws(RegistryError) -> RegistryEntry? {
        let query = inn.trimmed
        guard !query.isEmpty else { return nil }
        let body = JSON.object(["query": .string(query), "branch_type": "MAIN"]).serialized()
        let (status, data) = try post(body)
        switch status {
        case 200..<300: break
        case 401, 403: throw .unauthorized
        default: throw .httpStatus(status)
        }
        return try PartyMapping.entry(fromResponse: data)
    }

    /// Sends the request and waits for the status and body.
    private func post(_ body: [UInt8]) throws(RegistryError) -> (Int, [UInt8]) {
        var request = URLRequest(url: baseURL.appendingPathComponent(Self.path))
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = Self.sessionTimeout(timeout)
        request.setValue("Token \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")

        let exchange = HTTPExchange()
        let task = session.dataTask(with: request) { data, response, error in
            exchange.complete(data: data, response: response, error: error)
        }
        task.resume()
        guard exchange.wait(seconds: Self.seconds(timeout)) else {
            task.cancel()
            throw .timeout
        }
        return try exchange.result()
    }

    static func sessionTimeout(_ duration: Duration) -> Double {
        (seconds(duration) + 1).rounded(.up)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

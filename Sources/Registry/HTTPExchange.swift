import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The outcome of one HTTP request, handed from URLSession's delegate queue to the waiting
/// thread. Written once under the lock, then signalled; read after the wait.
final class HTTPExchange: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var data: Data?
    private var response: URLResponse?
    private var error: (any Error)?

    func complete(data: Data?, response: URLResponse?, error: (any Error)?) {
        lock.lock()
        self.data = data
        self.response = response
        self.error = error
        lock.unlock()
        done.signal()
    }

    /// False when nothing arrived in time.
    func wait(seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }

    func result() throws(RegistryError) -> (Int, [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        if let error {
            throw Self.classify(error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .badResponse("no HTTP response")
        }
        return (http.statusCode, data.map { [UInt8]($0) } ?? [])
    }

    private static func classify(_ error: any Error) -> RegistryError {
        guard let urlError = error as? URLError else { return .unreachable("\(error)") }
        switch urlError.code {
        case .timedOut, .cancelled:
            return .timeout
        case .badServerResponse, .cannotParseResponse, .zeroByteResource, .cannotDecodeContentData,
            .cannotDecodeRawData:
            return .badResponse(urlError.localizedDescription)
        default:
            return .unreachable(urlError.localizedDescription)
        }
    }
}

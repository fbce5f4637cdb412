import Foundation
import Registry
import Synchronization

/// Which company registry `requisite.lookup` asks: the offline copy of the tax service's SME
/// registry (a separate SQLite file beside the database, filled by `registry.import`) or an
/// online provider speaking the findById/party format. Switchable at run time (settings).
package final class RegistrySource: Sendable {
    package enum Choice: Sendable, Equatable {
        case offline
        case online(url: String, token: String, timeoutSeconds: Int)
    }

    private let offlinePath: String
    private let offline = Mutex<OfflineRegistry?>(nil)
    private let choice: Mutex<Choice>

    package init(offlinePath: String, choice: Choice = .offline) {
        self.offlinePath = offlinePath
        self.choice = Mutex(choice)
    }

    package var current: Choice { choice.withLock { $0 } }

    package func select(_ newChoice: Choice) { choice.withLock { $0 = newChoice } }

    /// The offline registry, opened (and created) on first use.
    package func offlineRegistry() throws -> OfflineRegistry {
        try offline.withLock { registry in
            if let registry { return registry }
            let opened = try OfflineRegistry(path: offlinePath)
            registry = opened
            return opened
        }
    }

    /// The registry lookups go to now.
    package func active() throws -> any CompanyRegistry {
        switch current {
        case .offline:
            return try offlineRegistry()
        case let .online(url, token, timeoutSeconds):
            guard let base = URL(string: url) else { throw CRMError.invalidValue(field: "registry.url", reason: "url", message: "bad registry URL") }
            return OnlineRegistry(baseURL: base, token: token, timeout: .seconds(timeoutSeconds))
        }
    }

    /// The name a lookup reports as its source.
    package var sourceName: String {
        switch current {
        case .offline: "offline"
        case .online: "online"
        }
    }
}

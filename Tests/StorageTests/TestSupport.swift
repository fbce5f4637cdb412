import Foundation
import Storage

/// A private temporary directory holding one test's database file.
struct TemporaryDatabase: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crmd-storage-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var path: String { directory.appendingPathComponent("test.sqlite").path }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A value shared between test threads, guarded by a lock.
///
/// `NSLock` rather than `Synchronization.Mutex`: ThreadSanitizer understands pthread locks, and
/// the tests are also run under it.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func update(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&stored)
    }
}

/// Runs `body(index)` on `count` dedicated OS threads (as crmd's client connections do) and
/// resumes once all of them have finished, without blocking the concurrency pool.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        group.notify(queue: .global()) { continuation.resume() }
    }
}

/// Starts `body` on a dedicated OS thread; `finished` is signaled when it returns.
func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let finished = DispatchSemaphore(value: 0)
    Thread {
        body()
        finished.signal()
    }.start()
    return finished
}

/// Polls `condition` until it holds (or about two seconds pass).
func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<2000 where !condition() {
        try await Task.sleep(for: .milliseconds(1))
    }
}

struct Boom: Error, Equatable {
    let id: Int
}

/// SQLite result codes the tests check (the extended ones are macros Swift cannot import).
enum SQLiteCode {
    static let readOnly: Int32 = 8
    static let misuse: Int32 = 21
    static let range: Int32 = 25
    static let constraintForeignKey: Int32 = 787
    static let constraintUnique: Int32 = 2067
}

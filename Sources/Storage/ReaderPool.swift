import Foundation

/// The pool's read-only connections with a blocking checkout.
///
/// A connection is used by exactly one thread between `checkout` and `checkin`; every field is
/// guarded by `condition`, which is what makes the `@unchecked Sendable` sound.
final class ReaderPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var idle: [Database]
    private let total: Int
    private var isClosed = false

    init(_ readers: [Database]) {
        idle = readers
        total = readers.count
    }

    /// Blocks until a connection is idle; throws once the pool is closed.
    func checkout() throws(SQLiteError) -> Database {
        condition.lock()
        defer { condition.unlock() }
        while idle.isEmpty && !isClosed {
            condition.wait()
        }
        guard !isClosed, let reader = idle.popLast() else { throw .poolClosed }
        return reader
    }

    func checkin(_ reader: Database) {
        condition.lock()
        idle.append(reader)
        if isClosed {
            condition.broadcast()
        } else {
            condition.signal()
        }
        condition.unlock()
    }

    /// Refuses new checkouts, waits for the connections in use, then closes them all.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        while idle.count < total {
            condition.wait()
        }
        let readers = idle
        condition.unlock()
        for reader in readers {
            reader.close()
        }
    }
}

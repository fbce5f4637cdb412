import Dispatch
import Foundation

/// Values worked out in order on a thread of their own while their consumer goes on: work that
/// needs no database, done ahead of a writer that holds it (the invoice numbers a bank
/// statement's purposes name, read while the payments before them are applied). `value(at:)`
/// waits until its value is there.
final class ReadAhead<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var values: [Value] = []

    init(count: Int, _ make: @escaping @Sendable (Int) -> Value) {
        values.reserveCapacity(count)
        DispatchQueue.global().async { [self] in
            for index in 0..<count {
                let value = make(index)
                condition.lock()
                values.append(value)
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// The value of `index` (below `count`), once it is worked out.
    func value(at index: Int) -> Value {
        condition.lock()
        defer { condition.unlock() }
        while values.count <= index { condition.wait() }
        return values[index]
    }
}

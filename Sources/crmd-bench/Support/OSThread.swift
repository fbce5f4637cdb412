#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread (pthread) running one closure: each of the load generator's
/// connections gets one, never the Swift concurrency pool.
struct OSThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private let handle: pthread_t

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        handle = thread
    }

    /// Waits for the thread to finish; everything it wrote is visible afterwards.
    func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread clean up after itself; it can no longer be joined.
    func detach() {
        pthread_detach(handle)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, received synchronously so that none is lost.
///
/// `block()` runs as the first statement of the program, before anything can start a thread:
/// every thread started later inherits the mask, so the signals are never delivered to a
/// handler at some unlucky moment; they stay pending until the one thread of `onSignal` takes
/// them with `sigwait`. A signal sent while crmd is still starting is therefore kept, and
/// stops the server as soon as it serves. Programs crmd runs get an empty mask of their own
/// (see `SendmailTransport`), so they can still be stopped by these signals.
enum StopSignals {
    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks the signals in the calling thread, and so in every thread it starts from now on.
    static func block() {
        var signals = set
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Starts the thread that waits for the first of the signals (already pending, or still to
    /// come) and then calls `stop`. False when no thread can be started.
    static func onSignal(_ stop: @escaping @Sendable () -> Void) -> Bool {
        final class Waiter {
            let stop: @Sendable () -> Void
            init(_ stop: @escaping @Sendable () -> Void) { self.stop = stop }
        }
        let context = Unmanaged.passRetained(Waiter(stop)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let waiter = Unmanaged<Waiter>.fromOpaque(context).takeRetainedValue()
            var signals = StopSignals.set
            var received: Int32 = 0
            while sigwait(&signals, &received) != 0 {}
            waiter.stop()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Waiter>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}

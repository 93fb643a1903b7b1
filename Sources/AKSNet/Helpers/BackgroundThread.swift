import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own for blocking work (an exec stream, a pipe reader). Dispatch's global
/// queues run about one block per core and a blocked block holds its thread: on a 2-core
/// machine three blocking streams starve a fourth (a stop request waited a second).
public enum BackgroundThread {
    final class Work {
        let body: () -> Void
        let group: DispatchGroup?
        init(_ body: @escaping () -> Void, group: DispatchGroup?) {
            self.body = body
            self.group = group
        }
    }

    /// Runs `body` on a new detached thread; `group` (if any) is entered now and left when it ends.
    public static func start(group: DispatchGroup? = nil, _ body: @escaping @Sendable () -> Void) {
        group?.enter()
        let work = Unmanaged.passRetained(Work(body, group: group)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
            work.body()
            work.group?.leave()
            return nil
        }, work)
        if result == 0 {
            pthread_detach(thread)
        } else {
            // No thread: run it here rather than lose it.
            let work = Unmanaged<Work>.fromOpaque(work).takeRetainedValue()
            work.body()
            work.group?.leave()
        }
    }
}

import Foundation

/// A lab controller's loop, as client-go's informers and work queues give a real one: it
/// watches some resources in the store and, after each burst of changes (coalesced over 30 ms),
/// calls `sync` on one serial queue until stopped. The controller's state lives on that queue.
final class ReconcileLoop: @unchecked Sendable {
    private let store: LabStore
    private let resources: [ResourceType]
    private let queue: DispatchQueue
    private var subscriptions: [StoreSubscription] = []
    private var pending = false
    private var sync: (() -> Void)?

    init(label: String, store: LabStore, resources: [ResourceType]) {
        self.store = store
        self.resources = resources
        queue = DispatchQueue(label: label)
    }

    /// Subscribes and runs `sync` once; `sync` always runs on the loop's queue.
    func start(_ sync: @escaping () -> Void) throws {
        queue.sync { self.sync = sync }
        for resource in resources {
            let subscription = try store.subscribe(resource) { [weak self] _ in self?.schedule() }
            queue.sync { subscriptions.append(subscription) }
        }
        schedule()
    }

    func stop() {
        queue.sync {
            for subscription in subscriptions { subscription.cancel() }
            subscriptions = []
            sync = nil
        }
    }

    private func schedule() {
        queue.async { [self] in
            guard !pending else { return }
            pending = true
            queue.asyncAfter(deadline: .now() + .milliseconds(30)) { [self] in
                pending = false
                guard !subscriptions.isEmpty else { return }
                sync?()
            }
        }
    }
}

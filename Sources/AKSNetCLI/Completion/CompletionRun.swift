import AKSNet
import Dispatch
import Synchronization

/// The `__complete` entry: the answer within `deadline` seconds whatever the cluster does (an
/// exec credential plugin waiting for a login, a server that accepts and never answers).
enum CompletionRun {
    static let deadline = 2.5

    static func answer(_ args: [String], deadline: Double = CompletionRun.deadline) -> CompletionResult {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        BackgroundThread.start {
            let source = KubeCompletionSource(overrides: Completer.overrides(args))
            box.set(Completer.complete(args, source: source))
            done.signal()
        }
        guard done.wait(timeout: .now() + deadline) == .success, let result = box.get() else {
            return CompletionResult([])
        }
        return result
    }

    final class ResultBox: Sendable {
        let value = Mutex<CompletionResult?>(nil)
        func set(_ result: CompletionResult) { value.withLock { $0 = result } }
        func get() -> CompletionResult? { value.withLock { $0 } }
    }
}

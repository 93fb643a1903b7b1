import Foundation
import Synchronization

/// Folders a test or a fixture that lives as long as the test process made (the shared API
/// server's PKI, a kubeconfig test's home): removed when the process exits, so a run leaves
/// nothing in /tmp.
public enum ScratchDirectories {
    private static let paths = Mutex<[String]>([])
    private static let armed = Mutex(false)

    public static func register(_ path: String) {
        paths.withLock { $0.append(path) }
        let first = armed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { atexit { ScratchDirectories.removeAll() } }
    }

    public static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}

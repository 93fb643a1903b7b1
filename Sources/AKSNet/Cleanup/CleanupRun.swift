import KubeClient
import KubeModel

/// The whole `cleanup` command as one call, so the CLI only prints its report.
extension Cleanup {
    /// What cleanup did (or, in a dry run, would do) with each leftover, in order.
    public struct Report: Equatable, Sendable {
        public enum Action: Equatable, Sendable {
            /// A helper pod: deleted.
            case deletePod
            /// An ephemeral container: its process stopped (it cannot be deleted).
            case stopContainer
            /// Inspect's DaemonSet: deleted (its pods go with it).
            case deleteDaemonSet
        }

        public enum Result: Equatable, Sendable {
            case done
            case dryRun
            case failed(String)
        }

        public struct Entry: Equatable, Sendable {
            public var action: Action
            /// `pod/NAME in NS`, or `ephemeral container C of pod/P in NS`.
            public var subject: String
            public var age: Double?
            public var result: Result
        }

        public var entries: [Entry] = []
        public var isEmpty: Bool { entries.isEmpty }
        public var failed: Bool { entries.contains { if case .failed = $0.result { return true } else { return false } } }
    }

    /// Finds our leftovers in `scope` (older than `olderThan` seconds, when given) and deletes
    /// the pods and stops the ephemeral containers, or only lists them with `dryRun`. A failure
    /// to list is thrown; a failure to delete one leftover is in the report, and the rest go on.
    public func run(scope: Scope, olderThan: Double?, dryRun: Bool, now: Double = WallClock.now) throws(KubeError) -> Report {
        let namespaces = scope.namespaces
        let pods = try find(namespaces: namespaces, olderThan: olderThan, now: now)
        let containers = try findEphemeral(namespaces: namespaces, olderThan: olderThan, now: now)
        let daemonSets = try findDaemonSets(namespaces: namespaces, olderThan: olderThan, now: now)
        var report = Report()
        for leftover in daemonSets {
            var result = Report.Result.dryRun
            if !dryRun {
                do { try deleteDaemonSet(leftover); result = .done } catch { result = .failed(error.description) }
            }
            report.entries.append(.init(action: .deleteDaemonSet, subject: "daemonset/\(leftover.name) in \(leftover.namespace)",
                                        age: leftover.age, result: result))
        }
        for leftover in pods {
            var result = Report.Result.dryRun
            if !dryRun {
                do { try delete(leftover); result = .done } catch { result = .failed(error.description) }
            }
            report.entries.append(.init(action: .deletePod, subject: "pod/\(leftover.name) in \(leftover.namespace)",
                                        age: leftover.age, result: result))
        }
        for entry in containers {
            var result = Report.Result.dryRun
            if !dryRun {
                do { try stop(entry); result = .done } catch { result = .failed(error.description) }
            }
            report.entries.append(.init(action: .stopContainer,
                                        subject: "ephemeral container \(entry.container) of pod/\(entry.pod) in \(entry.namespace)",
                                        age: entry.age, result: result))
        }
        return report
    }
}

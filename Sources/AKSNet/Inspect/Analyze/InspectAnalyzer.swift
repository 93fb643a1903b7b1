/// Evidence in, report out: pure, so `--from BUNDLE` reproduces a live run exactly.
/// SKELETON (session 4): the analysis work replaces this body with the real analyzers.
public enum InspectAnalyzer {
    public static func analyze(_ evidence: ClusterEvidence) -> InspectReport {
        InspectReport(evidence: evidence, findings: [])
    }
}

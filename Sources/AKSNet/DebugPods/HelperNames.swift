/// The names the suite gives its helpers and the markers its helper scripts print, defined once:
/// cleanup finds leftovers by them and the capture reads tcpdump's PID and status by them.
public enum HelperNames {
    /// What every helper pod and ephemeral container name starts with.
    public static let prefix = "aksnet-"
    /// The one container of a node helper pod.
    public static let nodeContainer = "aksnet"
    /// Printed on stderr by the tcpdump wrapper before it execs tcpdump: `aksnet-pid N`.
    public static let pidPrefix = "aksnet-pid "
    /// Printed on stderr by the socat script after tcpdump ends: `aksnet-exit N`.
    public static let exitPrefix = "aksnet-exit "

    /// `aksnet-COMMAND-SESSION`: an ephemeral container of one session (e.g. `aksnet-sniff-0a1b2c3d`).
    public static func ephemeralContainer(command: String, session: String) -> String {
        prefix + command + "-" + session
    }

    /// `aksnet-COMMAND-NODE-SESSION` as a DNS label: a node helper pod of one session.
    public static func nodeHelperPod(command: String, node: String, session: String) -> String {
        HelperLabels.dnsLabel([prefix + command, String(node.prefix(40)), session])
    }
}

/// The ids of the commands a node collector runs (`CommandRun.id`), and what each holds.
/// Analyzers look runs up by these ids; the collector script (Inspect/Collect) runs them.
/// Renaming one breaks old bundles: add new ids instead.
public enum CollectorCommands {
    public static let ipAddr = "ip-addr"              // ip -j addr show (both families)
    public static let ipLink = "ip-link"              // ip -j -d link show
    public static let ipRoute = "ip-route"            // ip -j -4 route show table all
    public static let ip6Route = "ip6-route"          // ip -j -6 route show table all
    public static let ipRule = "ip-rule"              // ip -j -4 rule show
    public static let ip6Rule = "ip6-rule"            // ip -j -6 rule show
    public static let ipNeigh = "ip-neigh"            // ip -j neigh show
    public static let iptablesSave = "iptables-save"  // the node's iptables-save -c (its own binary via chroot /host)
    public static let ip6tablesSave = "ip6tables-save"
    public static let iptablesLegacySave = "iptables-legacy-save"   // where the node has a legacy backend too
    public static let ip6tablesLegacySave = "ip6tables-legacy-save"
    public static let nftRuleset = "nft-ruleset"      // nft -j list ruleset
    public static let ipvsadm = "ipvsadm"             // ipvsadm -Ln --stats (IPVS mode)
    public static let conntrackStats = "conntrack-stats"  // conntrack -S
    public static let conntrackCount = "conntrack-count"  // /proc/sys/net/netfilter/nf_conntrack_count
    public static let conntrackMax = "conntrack-max"      // /proc/sys/net/netfilter/nf_conntrack_max
    public static let sysctls = "sysctls"             // `key = value` lines (sysctl's own format)
    public static let cniConfig = "cni-config"        // every file of /etc/cni/net.d, each after `==> PATH <==`
    public static let cniState = "cni-state"          // /var/run/azure-vnet*.json, azure-cns state, same headers
    public static let resolvConf = "resolv-conf"      // the node's /etc/resolv.conf
    public static let localDNSCorefile = "localdns-corefile"
    public static let socketSummary = "ss-summary"    // ss -s
    public static let kernelConntrackLog = "kernel-conntrack-log" // `nf_conntrack: table full` lines of the kernel log
    public static let kubeProxyMode = "kube-proxy-mode"   // GET 127.0.0.1:10249/proxyMode
    /// Reachability of every other node's pod network from this node (one line per peer:
    /// `PEER ADDRESS ok|fail`), the only way a node sees a route missing from the VNet's route table.
    public static let podNetworkProbe = "pod-network-probe"
}

extension CollectorCommands {
    /// `/proc/net/snmp` (the `Udp:` lines carry RcvbufErrors), read by the udp-rcvbuf-errors check.
    /// Added by the analysis work; the collector script should `cat /proc/net/snmp` under this id.
    public static let netSNMP = "net-snmp"
}

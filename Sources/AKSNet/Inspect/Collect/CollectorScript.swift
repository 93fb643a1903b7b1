/// The one exec a node collector runs: `sh -c SCRIPT sh NONCE CMDMAX PEER ADDRESS PEER ADDRESS…`.
/// The script is a constant (no user string is ever spliced into it); what varies travels as
/// argv. Each command runs under `timeout`, its stdout cut at CMDMAX bytes (read through
/// `head -c`, so an endless command cannot fill the disk), its stderr kept apart, and its
/// section framed on stdout with lines only this run can print (the nonce is random):
///
///     @@aksnet:NONCE begin ID ARGV…
///     <stdout>
///     @@aksnet:NONCE stderr ID
///     <stderr>
///     @@aksnet:NONCE end ID exit=N ms=M truncated=0|1 limit=CMDMAX
///
/// A newline is written before each `stderr`/`end` line (the parser takes it off again), so
/// output that does not end in a newline survives byte for byte. `CollectorStream` parses it.
/// A missing binary gives exit 127 and a missing file exit 1 with `not found` on stderr: recorded,
/// never fatal. The node's own iptables/nft binaries run through `chroot /host` when present (the
/// image's may use another backend than the node's).
public enum CollectorScript {
    /// The marker every framing line starts with: `@@aksnet:NONCE `.
    public static func marker(nonce: String) -> String { "@@aksnet:" + nonce + " " }

    /// Per-command time limits, seconds.
    public static let shortTimeout = 10
    public static let dumpTimeout = 60

    /// The argv of the exec: `sh -c SCRIPT sh NONCE CMDMAX [PEER ADDRESS]…`.
    public static func argv(nonce: String, commandLimit: Int, peers: [ProbePeer]) -> [String] {
        ["sh", "-c", script, "sh", nonce, String(max(1024, commandLimit))] + peers.flatMap { [$0.node, $0.address] }
    }

    /// POSIX sh; busybox and dash alike. No `$(NAME)` in the form a kubelet expands matters here
    /// (exec commands are not expanded), but it is avoided anyway.
    public static let script = #"""
nonce=$1; limit=$2; shift 2
set -f
tmp=$(mktemp -d 2>/dev/null || echo /tmp/aksnet-inspect.$$)
mkdir -p "$tmp" || exit 70
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
mark="@@aksnet:$nonce"
# now_ms: NOW = milliseconds of uptime (no subshell: forks are what a node pays for here)
now_ms() { read -r up _ < /proc/uptime; s=${up%.*}; c=${up#*.}; c=${c%"${c#??}"}; NOW=$(( s * 1000 + ${c#0} * 10 )); }
begin() { id=$1; shift; printf '%s begin %s' "$mark" "$id"; for a in "$@"; do printf ' %s' "$a"; done; printf '\n'; }
finish() {
  # finish ID RC START: the captured stdout (cut at the limit), stderr, then the end line
  size=$(wc -c < "$tmp/out" | tr -d ' ')
  cut=0; [ "${size:-0}" -gt "$limit" ] && cut=1
  head -c "$limit" "$tmp/out"
  printf '\n%s stderr %s\n' "$mark" "$1"
  head -c 65536 "$tmp/err"
  now_ms
  printf '\n%s end %s exit=%s ms=%s truncated=%s limit=%s\n' "$mark" "$1" "$2" $(( NOW - $3 )) "$cut" "$limit"
}
# run ID TIMEOUT ARGV…: a program under timeout
run() {
  id=$1; t=$2; shift 2
  begin "$id" "$@"
  now_ms; start=$NOW
  : > "$tmp/err"
  { timeout "$t" "$@" 2>"$tmp/err"; echo $? > "$tmp/rc"; } | head -c $(( limit + 1 )) > "$tmp/out"
  read -r rc < "$tmp/rc" || rc=141
  finish "$id" "$rc" "$start"
}
# fn ID DESCRIPTION… -- FUNCTION ARGS…: one of the functions below (reads of /proc and files)
fn() {
  id=$1; shift
  desc=""; while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do desc="$desc $1"; shift; done; shift
  begin "$id" $desc
  now_ms; start=$NOW
  : > "$tmp/err"
  { "$@" 2>"$tmp/err"; echo $? > "$tmp/rc"; } | head -c $(( limit + 1 )) > "$tmp/out"
  read -r rc < "$tmp/rc" || rc=141
  finish "$id" "$rc" "$start"
}
# The node's root: /host (hostPath /). chroot works when the node's sh runs there.
root=/host
[ -d "$root" ] || root=""
host=""
have=" "
# Which of the node's own programs exist, asked once (one chroot, not one per program).
if [ -n "$root" ] && chroot "$root" true 2>/dev/null; then
  host="chroot $root"
  have=" $($host sh -c 'for p in "$@"; do command -v "$p" >/dev/null 2>&1 && printf "%s " "$p"; done' sh \
    iptables-save ip6tables-save iptables-legacy-save ip6tables-legacy-save nft journalctl sysctl)"
fi
# on_host NAME: whether the node has this program
on_host() { case "$have" in *" $1 "*) return 0 ;; esac; return 1; }
# files PATTERN…: each file under the node's root, after `==> PATH <==`; exit 1 when none
files() {
  found=0
  set +f
  for p in "$@"; do
    for f in $root$p; do
      [ -f "$f" ] || continue
      found=1
      printf '==> %s <==\n' "${f#$root}"
      cat "$f"; echo
    done
  done
  set -f
  [ "$found" = 1 ] || { echo "not found: $*" >&2; return 1; }
}
sysctls() {
  # sysctl(8) reads them all in one process (procps and busybox print `key = value`); a key the
  # kernel lacks is one error line. Without sysctl, /proc/sys one by one.
  if command -v sysctl >/dev/null 2>&1; then sysctl $SYSCTLS; return 0; fi
  for k in $SYSCTLS; do
    f=/proc/sys/$(echo "$k" | tr . /)
    if [ -r "$f" ]; then printf '%s = %s\n' "$k" "$(tr '\t' ' ' < "$f")"; else echo "sysctl: cannot stat $f: No such file or directory" >&2; fi
  done
  return 0
}
readproc() { cat "$1"; }
SYSCTLS="net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter
  net.ipv4.conf.eth0.rp_filter net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_buckets
  net.core.rmem_max net.core.rmem_default net.core.wmem_max net.core.netdev_max_backlog net.ipv4.udp_mem
  net.ipv4.udp_rmem_min net.ipv4.ip_local_port_range net.ipv4.tcp_mtu_probing net.ipv6.conf.all.disable_ipv6"
kernlog() {
  for f in $root/var/log/kern.log $root/var/log/messages; do
    if [ -r "$f" ]; then grep -a 'nf_conntrack: table full' "$f" | tail -n 50; return 0; fi
  done
  if [ -n "$host" ] && on_host journalctl; then $host journalctl -k --no-pager -q -g 'nf_conntrack: table full' -n 50; return 0; fi
  dmesg 2>/dev/null | grep -a 'nf_conntrack: table full' | tail -n 50
  return 0
}
proxymode() {
  if command -v curl >/dev/null 2>&1; then curl -sS -m 3 http://127.0.0.1:10249/proxyMode
  else wget -q -T 3 -O - http://127.0.0.1:10249/proxyMode; fi
}
probe() {
  # PEER ADDRESS pairs: one ping each (1 packet, 1 s), 16 at a time; ADDRESS - means no address
  n=0
  while [ "$#" -ge 2 ]; do
    p=$1; a=$2; shift 2
    if [ "$a" = "-" ]; then echo "$p - skip"; continue; fi
    ( if ping -c 1 -W 1 "$a" >/dev/null 2>&1; then echo "$p $a ok"; else echo "$p $a fail"; fi ) &
    n=$((n + 1))
    if [ "$n" -ge 16 ]; then wait; n=0; fi
  done
  wait
  return 0
}
saver() { # saver ID BINARY: the node's own binary when it has one
  if on_host "$2"; then run "$1" 60 $host "$2" -c; else run "$1" 60 "$2" -c; fi
}
run ip-addr 10 ip -j addr show
run ip-link 10 ip -j -d link show
run ip-route 10 ip -j -4 route show table all
run ip6-route 10 ip -j -6 route show table all
run ip-rule 10 ip -j -4 rule show
run ip6-rule 10 ip -j -6 rule show
run ip-neigh 10 ip -j neigh show
saver iptables-save iptables-save
saver ip6tables-save ip6tables-save
if on_host iptables-legacy-save; then run iptables-legacy-save 60 $host iptables-legacy-save -c; fi
if on_host ip6tables-legacy-save; then run ip6tables-legacy-save 60 $host ip6tables-legacy-save -c; fi
if on_host nft; then run nft-ruleset 60 $host nft -j list ruleset; else run nft-ruleset 60 nft -j list ruleset; fi
run ipvsadm 10 ipvsadm -Ln --stats
run conntrack-stats 10 conntrack -S
fn conntrack-count cat /proc/sys/net/netfilter/nf_conntrack_count -- readproc /proc/sys/net/netfilter/nf_conntrack_count
fn conntrack-max cat /proc/sys/net/netfilter/nf_conntrack_max -- readproc /proc/sys/net/netfilter/nf_conntrack_max
fn sysctls sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter net.bridge.bridge-nf-call-iptables net.netfilter.nf_conntrack_max net.core.rmem_max … -- sysctls
fn cni-config cat /etc/cni/net.d/\* -- files '/etc/cni/net.d/*'
vr=/var/run; [ -L "$root/var/run" ] && vr=/run
fn cni-state cat $vr/azure-vnet\*.json $vr/azure-cns/\*.json /var/lib/azure-network/\*.json -- files "$vr/azure-vnet*.json" "$vr/azure-cns/*.json" '/var/lib/azure-network/*.json'
fn resolv-conf cat /etc/resolv.conf -- files /etc/resolv.conf
fn localdns-corefile cat /opt/azure/containers/localdns/\*orefile\* -- files '/opt/azure/containers/localdns/*orefile*' '/etc/localdns/Corefile'
run ss-summary 10 ss -s
fn kernel-conntrack-log grep nf_conntrack: table full /var/log/kern.log -- kernlog
fn kube-proxy-mode curl http://127.0.0.1:10249/proxyMode -- proxymode
fn pod-network-probe ping -c 1 -W 1 PEER… -- probe "$@"
exit 0
"""#
}

/// One other node whose pod network a collector pings, and the address it pings ("-" when
/// there is none to ping: an Azure CNI node with no running pod).
public struct ProbePeer: Sendable, Equatable {
    public var node: String
    public var address: String

    public init(node: String, address: String) {
        self.node = node
        self.address = address
    }
}

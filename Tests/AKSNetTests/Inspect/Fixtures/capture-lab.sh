#!/bin/sh
# Captures what inspect's collector gathers, straight from a running kubectl-aksnet-lab's node
# namespaces (ip netns exec), plus the API objects through kubectl, into OUT/:
#   OUT/api/<key>.json            (nodes, services, endpointslices, kube-system daemonsets/configmaps)
#   OUT/nodes/<node>/<run id>     (output; <run id>.rc holds the exit code)
# The pod-network-probe run pings each peer node's first pod IP from the node's host network.
# Usage: capture-lab.sh LAB_DIR OUT          (InspectCapturedLabTests reads OUT with AKSNET_INSPECT_CAPTURE=OUT)
set -u
LAB=$1 OUT=$2
export KUBECONFIG=$LAB/kubeconfig
mkdir -p "$OUT/api" "$OUT/nodes"
kubectl get nodes -o json > "$OUT/api/nodes.json"
kubectl get services -A -o json > "$OUT/api/services.json"
kubectl get endpointslices -A -o json > "$OUT/api/endpointslices.json"
kubectl -n kube-system get daemonsets -o json > "$OUT/api/kube-system_daemonsets.json"
kubectl -n kube-system get configmaps -o json > "$OUT/api/kube-system_configmaps.json"
kubectl get pods -A -o json > /tmp/capture-pods.$$.json
# This lab's id (several labs may run at once): its namespaces are aksl-<id>-node<N>.
ID=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['spec']['labID'])" "$LAB/network.json")
NODES=$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -v akswin)
i=0
for node in $NODES; do
  i=$((i + 1))
  ns=aksl-$ID-node$i
  d=$OUT/nodes/$node
  mkdir -p "$d"
  run() { id=$1; shift; ip netns exec "$ns" "$@" > "$d/$id" 2>/dev/null; echo $? > "$d/$id.rc"; }
  run ip-addr ip -j addr show
  run ip-link ip -j -d link show
  run ip-route ip -j -4 route show table all
  run ip6-route ip -j -6 route show table all
  run ip-rule ip -j -4 rule show
  run iptables-save iptables-save -c
  run ip6tables-save ip6tables-save -c
  run conntrack-stats conntrack -S
  run conntrack-count cat /proc/sys/net/netfilter/nf_conntrack_count
  run conntrack-max cat /proc/sys/net/netfilter/nf_conntrack_max
  run sysctls sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter net.bridge.bridge-nf-call-iptables net.ipv6.conf.all.forwarding net.netfilter.nf_conntrack_max net.core.rmem_max
  run net-snmp cat /proc/net/snmp
  run ss-summary ss -s
  root=$LAB/nodes/$node
  (cd "$root" && tail -v -n +1 etc/cni/net.d/* 2>/dev/null | sed 's|^==> etc|==> /etc|') > "$d/cni-config"; echo 0 > "$d/cni-config.rc"
  cp "$root/etc/resolv.conf" "$d/resolv-conf" 2>/dev/null; echo $? > "$d/resolv-conf.rc"
  : > "$d/pod-network-probe"
  for peer in $NODES; do
    [ "$peer" = "$node" ] && continue
    ip=$(python3 -c "import json,sys; print(next((p['status'].get('podIP','') for p in json.load(open('/tmp/capture-pods.$$.json'))['items'] if p['spec'].get('nodeName')=='$peer' and not p['spec'].get('hostNetwork') and p['status'].get('podIP')), ''))")
    [ -z "$ip" ] && continue
    if ip netns exec "$ns" ping -c 3 -i 0.2 -W 1 "$ip" > /dev/null 2>&1; then s=ok; else s=fail; fi
    echo "$peer $ip $s" >> "$d/pod-network-probe"
  done
  echo 0 > "$d/pod-network-probe.rc"
done
rm -f /tmp/capture-pods.$$.json

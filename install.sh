#!/usr/bin/env bash
# aksnet: install (default) or test.
#   ./install.sh          apt deps, release build, install kubectl-aksnet* to $PREFIX, run the demo
#   ./install.sh test     every test layer (what .ci/run calls)
#   ./install.sh release  dist/kubectl-aksnet_VERSION_linux_ARCH.tar.gz and the krew manifest plugins/aksnet.yaml
#   ./install.sh uninstall  removes what install put in $PREFIX
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
PREFIX=${PREFIX:-/usr/local/bin}
MODE=${1:-install}

log() { printf '==> %s\n' "$*" >&2; }

APT_PACKAGES=(libcurl4-openssl-dev libyaml-dev zlib1g-dev iproute2 iptables nftables tcpdump socat conntrack
              tshark openssh-client openssh-server openssl curl python3 python3-venv util-linux time tmux iputils-ping rsync
              chromium)

install_deps() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # tshark asks whether non-root users may capture; answer for it.
        echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if ! command -v kubectl >/dev/null 2>&1; then
        log "kubectl not found: installing Debian's kubernetes-client"
        apt-get install -y -qq kubernetes-client >/dev/null || log "warning: no kubectl; the oracle tests need one"
    fi
    if [ ! -x "$ROOT/.venv/bin/python" ]; then
        log "creating the Python test virtualenv (.venv)"
        python3 -m venv "$ROOT/.venv"
    fi
    if ! "$ROOT/.venv/bin/python" -c 'import kubernetes, kubernetes_validate, jsonschema, markdown_it' 2>/dev/null; then
        log "installing kubernetes, kubernetes-validate, jsonschema and markdown-it-py into .venv"
        "$ROOT/.venv/bin/pip" install -q kubernetes kubernetes-validate jsonschema markdown-it-py
    fi
}

# The release binary links the Swift runtime statically: only libcurl, libyaml and libc remain.
build_release() {
    log "building kubectl-aksnet and kubectl-aksnet-lab (release)"
    swift build -c release --product kubectl-aksnet -Xswiftc -static-stdlib
    swift build -c release --product kubectl-aksnet-lab -Xswiftc -static-stdlib
}

install_binaries() {
    local bin
    bin=$(swift build -c release --show-bin-path)
    mkdir -p "$PREFIX"
    install -s -m 0755 "$bin/kubectl-aksnet" "$PREFIX/kubectl-aksnet"
    install -s -m 0755 "$bin/kubectl-aksnet-lab" "$PREFIX/kubectl-aksnet-lab"
    log "installed $PREFIX/kubectl-aksnet and $PREFIX/kubectl-aksnet-lab"
    # kubectl's plugin completion (kubectl 1.26+) asks kubectl_complete-aksnet on PATH.
    install -m 0755 "$ROOT/plugins/kubectl_complete-aksnet" "$PREFIX/kubectl_complete-aksnet"
    log "installed $PREFIX/kubectl_complete-aksnet (kubectl aksnet <TAB>)"
    # kubectl-aksnet-<cmd> links (the binary dispatches on argv[0]), for each suite command that exists yet.
    local cmd
    for cmd in sniff jump inspect; do
        rm -f "$PREFIX/kubectl-aksnet-$cmd" "$PREFIX/kubectl_complete-aksnet-$cmd"
        # An unknown subcommand's --help prints the root usage; a real one names itself.
        if "$PREFIX/kubectl-aksnet" "$cmd" --help 2>/dev/null | grep -q "USAGE: kubectl aksnet $cmd"; then
            ln -sf kubectl-aksnet "$PREFIX/kubectl-aksnet-$cmd"
            # kubectl completes `aksnet sniff …` as the plugin kubectl-aksnet-sniff: its completion helper too.
            ln -sf kubectl_complete-aksnet "$PREFIX/kubectl_complete-aksnet-$cmd"
            log "linked $PREFIX/kubectl-aksnet-$cmd and kubectl_complete-aksnet-$cmd"
        fi
    done
}

# What install_binaries put in $PREFIX, and nothing else: the links only if they point at kubectl-aksnet.
uninstall() {
    local cmd removed=0
    for cmd in sniff jump inspect; do
        if [ -L "$PREFIX/kubectl-aksnet-$cmd" ] && [ "$(readlink "$PREFIX/kubectl-aksnet-$cmd")" = kubectl-aksnet ]; then
            rm -f "$PREFIX/kubectl-aksnet-$cmd" && removed=$((removed + 1))
        fi
        if [ -L "$PREFIX/kubectl_complete-aksnet-$cmd" ] && [ "$(readlink "$PREFIX/kubectl_complete-aksnet-$cmd")" = kubectl_complete-aksnet ]; then
            rm -f "$PREFIX/kubectl_complete-aksnet-$cmd" && removed=$((removed + 1))
        fi
    done
    local f
    for f in kubectl-aksnet kubectl-aksnet-lab kubectl_complete-aksnet; do
        [ -e "$PREFIX/$f" ] && rm -f "$PREFIX/$f" && removed=$((removed + 1))
    done
    log "removed $removed files from $PREFIX (a running lab: kubectl-aksnet-lab down --dir DIR first; nothing else is touched)"
}

LAB_DIR=${AKSNET_LAB_DIR:-/tmp/aksnet-lab}

demo() {
    log "demo: an emulated AKS cluster in $LAB_DIR"
    "$PREFIX/kubectl-aksnet-lab" down --dir "$LAB_DIR" >/dev/null 2>&1 || true
    # One break for inspect to find: the VNet route table loses node3's podCIDR.
    "$PREFIX/kubectl-aksnet-lab" up --dir "$LAB_DIR" --nodes 3 --break missing-route:node3
    export PATH="$PREFIX:$PATH"
    log "kubectl aksnet version --kubeconfig $LAB_DIR/kubeconfig"
    kubectl aksnet version --kubeconfig "$LAB_DIR/kubeconfig"
    log "kubectl --kubeconfig $LAB_DIR/kubeconfig get nodes -o wide"
    kubectl --kubeconfig "$LAB_DIR/kubeconfig" get nodes -o wide
    demo_inspect || log "warning: the inspect demo did not finish (the lab is up; see above)"
    demo_sniff || log "warning: the sniff demo did not finish (the lab is up; see above)"
    demo_jump || log "warning: the jump demo did not finish (the lab is up; see above)"
    log "the lab keeps running; stop it with: kubectl-aksnet-lab down --dir $LAB_DIR"
}

# The report of the lab with its break (exit 3: an error finding), as text and as an HTML page.
demo_inspect() {
    local rc=0
    log "kubectl aksnet inspect --kubeconfig $LAB_DIR/kubeconfig  (the lab was started with --break missing-route:node3)"
    kubectl aksnet inspect --kubeconfig "$LAB_DIR/kubeconfig" --quiet --bundle "$LAB_DIR/demo-inspect.tar.gz" || rc=$?
    [ "$rc" = 3 ] || { log "inspect exited $rc, expected 3 (an error finding)"; return 1; }
    kubectl aksnet inspect --from "$LAB_DIR/demo-inspect.tar.gz" -o html --output-file "$LAB_DIR/demo-inspect.html" || rc=$?
    [ "$rc" = 3 ] || return 1
    log "the same report as HTML (offline, from the bundle): $LAB_DIR/demo-inspect.html"
}

# A root shell's command on a node through a short-lived privileged pod (no SSH), deleted after.
demo_jump() {
    local node
    node=$(kubectl --kubeconfig "$LAB_DIR/kubeconfig" get nodes -o jsonpath='{.items[0].metadata.name}')
    log "kubectl aksnet jump --shell $node -- sh -c 'cat /etc/hostname; ip -br addr show cbr0'"
    kubectl aksnet jump --kubeconfig "$LAB_DIR/kubeconfig" --shell "$node" -- sh -c 'cat /etc/hostname; ip -br addr show cbr0'
}

# Two pods on different nodes ping each other while sniff captures both sides into one pcapng.
demo_sniff() {
    local k=(kubectl --kubeconfig "$LAB_DIR/kubeconfig") nodes
    read -r -a nodes <<<"$("${k[@]}" get nodes -o jsonpath='{.items[*].metadata.name}')"
    "${k[@]}" run demo-a --image=nicolaka/netshoot --overrides "{\"spec\":{\"nodeName\":\"${nodes[0]}\"}}" -- sleep 3600 >/dev/null
    "${k[@]}" run demo-b --image=nicolaka/netshoot --overrides "{\"spec\":{\"nodeName\":\"${nodes[1]}\"}}" -- sleep 3600 >/dev/null
    "${k[@]}" wait --for=condition=Ready pod/demo-a pod/demo-b --timeout=30s >/dev/null
    local peer
    peer=$("${k[@]}" get pod demo-b -o jsonpath='{.status.podIP}')
    log "kubectl aksnet sniff pod/demo-a node/${nodes[1]} --duration 5s -o $LAB_DIR/demo.pcapng  (demo-a pings demo-b meanwhile)"
    "${k[@]}" exec demo-a -- ping -c 10 -i 0.4 "$peer" >/dev/null 2>&1 &
    local pinger=$!
    kubectl aksnet sniff --kubeconfig "$LAB_DIR/kubeconfig" pod/demo-a "node/${nodes[1]}" -f icmp --duration 5s \
        -o "$LAB_DIR/demo.pcapng" --quiet
    wait "$pinger" || true
    log "tshark -r $LAB_DIR/demo.pcapng (one interface per target)"
    tshark -r "$LAB_DIR/demo.pcapng" -T fields -e frame.interface_name -e ip.src -e ip.dst -e icmp.type 2>/dev/null | head -8
}

run_tests() {
    log "building and running the tests (debug)"
    swift build --build-tests
    # Swift Testing runs suites in parallel; the server tests use their own ports and folders.
    # A watchdog: a stuck test must end the run with its threads' stacks, never hang CI.
    local limit=${AKSNET_TEST_TIMEOUT:-1800} started=$SECONDS rc=0
    # Every Pod the lab accepts is recorded, then checked against the API schema once all ran.
    local accepted="$ROOT/.build/accepted-pods"
    rm -rf "$accepted"
    AKSNET_LAB_RECORD_ACCEPTED="$accepted" swift test --skip-build &
    local runner=$!
    while kill -0 "$runner" 2>/dev/null; do
        if ((SECONDS - started > limit)); then
            log "tests still running after ${limit}s: stacks of the test process, then stopping it"
            local xctest
            for xctest in $(ps -eo pid=,args= | awk '/[.]xctest/ {print $1}'); do
                command -v gdb >/dev/null && timeout 60 gdb -p "$xctest" -batch -ex 'thread apply all bt 30' 2>/dev/null | grep -E '^(Thread|#)' | cut -c1-240 >&2 || true
                kill -9 "$xctest" 2>/dev/null || true
            done
            kill "$runner" 2>/dev/null || true
            wait "$runner" 2>/dev/null || true
            return 1
        fi
        sleep 2
    done
    wait "$runner" || rc=$?
    log "kubernetes-validate --strict on the $(ls "$accepted" 2>/dev/null | wc -l) Pods the lab accepted"
    AKSNET_VALIDATE_ACCEPTED="$accepted" timeout 600 swift test --skip-build --filter AcceptedPodsValidationTests || rc=$?
    # The release: static build (reused when ./install.sh built it), tarball, krew manifest (a
    # copy under dist/, the committed plugins/aksnet.yaml stays), then checked without a Swift runtime.
    log "release: build, package and check (plugins/release.sh, plugins/check-release.sh)"
    local release_started=$SECONDS
    { AKSNET_KREW_MANIFEST="$ROOT/dist/aksnet.yaml" "$ROOT/plugins/release.sh" && "$ROOT/plugins/check-release.sh" "$ROOT/dist/aksnet.yaml"; } || rc=$?
    log "release checked in $((SECONDS - release_started)) s"
    log "tests finished in $((SECONDS - started)) s (exit $rc)"
    return "$rc"
}

case "$MODE" in
    install)
        install_deps
        build_release
        install_binaries
        demo
        ;;
    test)
        install_deps
        run_tests
        ;;
    release)
        install_deps
        "$ROOT/plugins/release.sh"
        ;;
    uninstall)
        uninstall
        ;;
    *)
        echo "usage: $0 [install|test|release|uninstall]" >&2
        exit 2
        ;;
esac

#!/usr/bin/env bash
# The release, checked (a step of ./install.sh test): the krew manifest (plugins/aksnet.yaml or $1) is a krew Plugin whose
# platforms name tarballs in dist/ with the right sha256 and files they hold, and the released
# binary runs `version --client` with no Swift runtime reachable (ldd lists no libswift*; run
# with LD_LIBRARY_PATH empty and the toolchain's runtime folders hidden by an empty tmpfs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${AKSNET_PYTHON:-$ROOT/.venv/bin/python}
fail() { echo "check-release: $*" >&2; exit 1; }

MANIFEST=${1:-plugins/aksnet.yaml}
[ -f "$MANIFEST" ] || fail "no $MANIFEST: run ./install.sh release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The manifest: YAML, the krew fields, each platform's tarball, sha256 and files.
cat >"$work/check.py" <<'PY'
import hashlib, os, sys, tarfile, yaml
path, dist, work = sys.argv[1:4]
doc = yaml.safe_load(open(path))
def need(cond, why):
    if not cond:
        sys.exit(f"check-release: {path}: {why}")
need(doc.get("apiVersion") == "krew.googlecontainertools.github.com/v1alpha2", "apiVersion")
need(doc.get("kind") == "Plugin" and doc["metadata"]["name"] == "aksnet", "kind/name")
spec = doc["spec"]
for key in ("version", "homepage", "shortDescription", "description", "caveats", "platforms"):
    need(spec.get(key), f"spec.{key} missing")
# Each command's caveat names every resource its role in manifests/rbac grants.
root = os.path.dirname(os.path.abspath(dist))
paragraphs, current = {}, None
for line in spec["caveats"].splitlines():
    words = line.split()
    if line.startswith("  ") and words and words[0] in ("sniff", "jump", "cleanup", "inspect") and not line.startswith("    " * 2):
        current = words[0]
        paragraphs[current] = line
    elif current and line.startswith("     "):
        paragraphs[current] += " " + line
    else:
        current = None
for command in ("sniff", "jump", "cleanup", "inspect"):
    need(command in paragraphs, f"caveats do not name {command}'s RBAC")
    rbac = os.path.join(root, "manifests", "rbac", f"aksnet-{command}.yaml")
    for role in yaml.safe_load_all(open(rbac)):
        for rule in role["rules"]:
            for resource in rule["resources"]:
                need(resource in paragraphs[command], f"caveats for {command} do not name {resource} (manifests/rbac/aksnet-{command}.yaml)")
need(len(spec["shortDescription"]) <= 50, "shortDescription over 50 characters (krew lists show it on one line)")
seen = set()
for p in spec["platforms"]:
    labels = p["selector"]["matchLabels"]
    need(labels.get("os") == "linux" and labels.get("arch") in ("amd64", "arm64"), f"selector {labels}")
    seen.add(labels["arch"])
    name = p["uri"].rsplit("/", 1)[-1]
    need(name == f"kubectl-aksnet_{spec['version']}_linux_{labels['arch']}.tar.gz", f"uri {p['uri']}")
    tarball = os.path.join(dist, name)
    need(os.path.exists(tarball), f"{name} not in dist/")
    digest = hashlib.sha256(open(tarball, "rb").read()).hexdigest()
    need(p["sha256"] == digest, f"{name}: sha256 {p['sha256']} but the file has {digest}")
    with tarfile.open(tarball) as t:
        members = set(t.getnames())
        for f in p["files"]:
            need(f["from"] in members, f"{name} has no {f['from']} ({sorted(members)})")
        need(p["bin"] in members, f"bin {p['bin']} not in {name}")
        need({"kubectl-aksnet", "LINKS", "README.md"} <= members, f"{name} lacks files: {sorted(members)}")
        if labels["arch"] == os.uname().machine.replace("x86_64", "amd64").replace("aarch64", "arm64"):
            t.extractall(work, filter="data")
            print(f"{name}: sha256 ok, files {sorted(members)}")
need("amd64" in seen, "no linux/amd64 platform")
PY
"$PY" "$work/check.py" "$MANIFEST" "$ROOT/dist" "$work"
# The checker refuses a manifest whose sha256 is wrong (so its "ok" above means something).
sed 's/sha256: \([0-9a-f]\)/sha256: f\1/' "$MANIFEST" >"$work/tampered.yaml"
mkdir -p "$work/scratch"
if "$PY" "$work/check.py" "$work/tampered.yaml" "$ROOT/dist" "$work/scratch" >/dev/null 2>&1; then
    fail "the checker took a manifest with a wrong sha256"
fi
echo "control: a manifest with a wrong sha256 is refused"
bin="$work/kubectl-aksnet"
[ -x "$bin" ] || fail "the tarball for this machine gave no kubectl-aksnet"

# No Swift runtime: not linked, and not needed.
if ldd "$bin" | grep -i swift; then fail "the released binary links the Swift runtime (above)"; fi
echo "ldd: $(ldd "$bin" | awk '{print $1}' | tr '\n' ' ')"
runtime_dirs=()
for d in $(swift -print-target-info 2>/dev/null | "$PY" -c 'import json,sys; print(" ".join(json.load(sys.stdin)["paths"]["runtimeLibraryPaths"]))'); do
    [ -d "$d" ] && runtime_dirs+=("$d")
done
hide=""
for d in "${runtime_dirs[@]}"; do hide+="mount -t tmpfs none '$d'; "; done
# Hiding the runtime needs a private mount namespace (root); without it, LD_LIBRARY_PATH and ldd only.
isolate=(unshare --mount sh -c)
if ! unshare --mount true 2>/dev/null; then
    echo "note: no private mount namespace here (not root?): the runtime folders stay visible"
    isolate=(sh -c)
    hide=""
fi
out=$("${isolate[@]}" "${hide}env -i LD_LIBRARY_PATH= PATH=/usr/bin:/bin '$bin' version --client") \
    || fail "the released binary does not run without the Swift runtime (${runtime_dirs[*]} hidden)"
echo "$out" | grep -q '^Client Version: v' || fail "unexpected version output: $out"
echo "runs with LD_LIBRARY_PATH empty${hide:+ and ${runtime_dirs[*]} hidden}: $out"
# The hiding is real: the debug build (dynamic Swift runtime) fails the same way.
debug=$ROOT/.build/debug/kubectl-aksnet
if [ -x "$debug" ] && [ -n "$hide" ]; then
    if "${isolate[@]}" "${hide}env -i LD_LIBRARY_PATH= '$debug' version --client" >/dev/null 2>&1; then
        fail "the debug build ran with the runtime hidden: the check proves nothing"
    fi
    echo "control: the debug build (dynamic runtime) does not run with it hidden"
fi
# install.sh's install and uninstall, with the released binary, into an empty PREFIX: the files and
# links kubectl needs (completion through kubectl answers), then nothing left.
mkdir -p "$work/bin" "$work/prefix" "$work/fakeswift"
cp "$bin" "$work/bin/kubectl-aksnet"
cp /bin/true "$work/bin/kubectl-aksnet-lab"
printf '#!/bin/sh\necho %s\n' "$work/bin" >"$work/fakeswift/swift"
chmod +x "$work/fakeswift/swift"
PATH="$work/fakeswift:$PATH" PREFIX="$work/prefix" ROOT="$ROOT" bash -euo pipefail -c '
    source <(sed -n "/^log()/p; /^install_binaries()/,/^}/p; /^uninstall()/,/^}/p" "$ROOT/install.sh")
    install_binaries 2>/dev/null' || fail "install.sh install_binaries failed"
want="kubectl-aksnet kubectl-aksnet-inspect kubectl-aksnet-jump kubectl-aksnet-lab kubectl-aksnet-sniff kubectl_complete-aksnet kubectl_complete-aksnet-inspect kubectl_complete-aksnet-jump kubectl_complete-aksnet-sniff"
got=$(LC_ALL=C ls "$work/prefix" | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "install put [$got] in PREFIX, not [$want]"
answer=$(env -i PATH="$work/prefix:/usr/bin:/bin" KUBECONFIG=/nonexistent "$work/prefix/kubectl_complete-aksnet-sniff" --mode '')
[ "$answer" = "$(printf 'auto\nephemeral\nnode\n:4')" ] || fail "the installed completion helper answered: $answer"
PREFIX="$work/prefix" ROOT="$ROOT" bash -euo pipefail -c '
    source <(sed -n "/^log()/p; /^install_binaries()/,/^}/p; /^uninstall()/,/^}/p" "$ROOT/install.sh")
    uninstall 2>/dev/null' || fail "install.sh uninstall failed"
[ -z "$(ls -A "$work/prefix")" ] || fail "uninstall left: $(ls -A "$work/prefix")"
echo "install.sh: installs [$want] (the completion helper answers), uninstall leaves nothing"
echo "check-release: ok"

#!/usr/bin/env python3
"""Oracle driver: run the real kubectl 1.32 on one oracle case exactly as the
Swift harness does.

usage: run_kubectl.py CASE_DIR [--json]
       run_kubectl.py --all [--write-expected]

* copies CASE_DIR to a fresh temp dir and runs there (cwd = copy)
* clean environment: PATH, HOME (temp empty dir, or <copy>/home when
  "home": true), KUBECONFIG (entries made absolute relative to the copy and
  joined with ':'; "" stays an empty entry; omitted/null = unset)
* kubectl.1.32 config view --minify (--raw|--flatten) -o json
  [--kubeconfig <abs path>] [--context NAME]
Prints the exit code, stdout and stderr.  With --json prints one JSON object
{"exit": N, "stdout": ..., "stderr": ..., "parsed": <json or null>}.
--all runs every NN-* case next to this script and prints one summary line
each; --write-expected also (re)writes <case>/expected.json (informational
snapshot of kubectl's result: exit, first stderr line, parsed output).
"""
import json, os, shutil, subprocess, sys, tempfile

KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"


def run_case(case_dir):
    case_dir = os.path.abspath(case_dir)
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    tmp = tempfile.mkdtemp(prefix="kcoracle-")
    try:
        work = os.path.join(tmp, "case")
        shutil.copytree(case_dir, work, symlinks=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if case.get("home"):
            env["HOME"] = os.path.join(work, "home")
        else:
            h = os.path.join(tmp, "emptyhome")
            os.mkdir(h)
            env["HOME"] = h
        entries = case.get("env")
        if entries is not None and not case.get("home"):
            env["KUBECONFIG"] = ":".join(
                "" if e == "" else os.path.join(work, e) for e in entries)
        args = [KUBECTL, "config", "view", "--minify",
                "--flatten" if case.get("flatten") else "--raw", "-o", "json"]
        if case.get("kubeconfig") is not None:
            args += ["--kubeconfig", os.path.join(work, case["kubeconfig"])]
        if case.get("context") is not None:
            args += ["--context", case["context"]]
        p = subprocess.run(args, cwd=work, env=env, capture_output=True,
                           text=True, timeout=60)
        parsed = None
        if p.returncode == 0:
            try:
                parsed = json.loads(p.stdout)
            except ValueError:
                parsed = None
        # make temp paths readable/stable in the report
        out = p.stdout.replace(work, "<CASE>")
        err = p.stderr.replace(work, "<CASE>")
        return {"exit": p.returncode, "stdout": out, "stderr": err,
                "parsed": parsed}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_all(write_expected):
    root = os.path.dirname(os.path.abspath(__file__))
    for d in sorted(os.listdir(root)):
        p = os.path.join(root, d)
        if not (os.path.isdir(p) and d[:2].isdigit()):
            continue
        r = run_case(p)
        first = (r["stderr"].strip().splitlines() or [""])[0]
        print("%-45s exit=%d %s" % (d, r["exit"], first))
        if write_expected:
            with open(os.path.join(p, "expected.json"), "w") as f:
                json.dump({"exit": r["exit"], "stderr": first,
                           "output": r["parsed"]}, f, indent=2,
                          ensure_ascii=False)
                f.write("\n")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--all":
        run_all("--write-expected" in sys.argv[2:])
        return
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    r = run_case(sys.argv[1])
    if "--json" in sys.argv[2:]:
        print(json.dumps(r, indent=2))
        return
    print("exit:", r["exit"])
    print("--- stdout")
    print(r["stdout"], end="")
    print("--- stderr")
    print(r["stderr"], end="")


if __name__ == "__main__":
    main()

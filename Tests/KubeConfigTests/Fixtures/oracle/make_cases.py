#!/usr/bin/env python3
"""Regenerates every NN-* oracle case folder (deletes and rewrites them).
After running it, run `run_kubectl.py --all --write-expected` and update README.md."""
import json, os, shutil
ROOT = os.path.dirname(os.path.abspath(__file__))
CASES = []

def case(name, desc, files, env=None, kubeconfig=None, home=False, context=None, flatten=False):
    CASES.append((name, desc, files, env, kubeconfig, home, context, flatten))

def cfg(clusters="", users="", contexts="", current=None, head="apiVersion: v1\nkind: Config\n", extra=""):
    s = head
    s += "clusters:\n" + clusters if clusters else ""
    s += "users:\n" + users if users else ""
    s += "contexts:\n" + contexts if contexts else ""
    if current is not None:
        s += "current-context: %s\n" % current
    s += extra
    return s

def cl(name, server, more=""):
    return "- name: %s\n  cluster:\n    server: %s\n%s" % (name, server, more)
def us(name, body):
    return "- name: %s\n  user:\n%s" % (name, body)
def cx(name, cluster, user=None, more=""):
    s = "- name: %s\n  context:\n    cluster: %s\n" % (name, cluster)
    if user is not None:
        s += "    user: %s\n" % user
    return s + more

PEM_CA = "-----BEGIN CERTIFICATE-----\nZHVtbXkgY2EgZm9yIG9yYWNsZSB0ZXN0cw==\n-----END CERTIFICATE-----\n"
PEM_CERT = "-----BEGIN CERTIFICATE-----\nZHVtbXkgY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n"
PEM_KEY = "-----BEGIN RSA PRIVATE KEY-----\nZHVtbXkga2V5\n-----END RSA PRIVATE KEY-----\n"
TOK = "    token: tok-%s\n"

# ---------------------------------------------------------------- basics
case("01-single-file", "single KUBECONFIG file: minify keeps current context, its cluster and user",
     {"a.yaml": cfg(cl("c1", "https://one.example:6443") + cl("c2", "https://two.example"),
                    us("u1", TOK % "u1") + us("u2", TOK % "u2"),
                    cx("ctx1", "c1", "u1") + cx("ctx2", "c2", "u2"), "ctx1")},
     env=["a.yaml"])

case("02-two-files-first-wins-whole-entry",
     "same cluster/user/context names in two files: whole entry from the first file wins, no field merging",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", TOK % "a"),
                    cx("x", "c", "u"), "x"),
      "b.yaml": cfg(cl("c", "https://b.example", "    tls-server-name: b.internal\n    insecure-skip-tls-verify: true\n"),
                    us("u", "    username: bob\n    password: secret\n"),
                    cx("x", "c", "u", "    namespace: from-b\n"), "x")},
     env=["a.yaml", "b.yaml"])

case("03-three-files-cross-file-refs",
     "three files: context from c.yaml, cluster from b.yaml, user from a.yaml; earlier files win for duplicates",
     {"a.yaml": cfg(users=us("u", TOK % "a")),
      "b.yaml": cfg(cl("c", "https://b.example"), us("u", TOK % "b")),
      "c.yaml": cfg(cl("c", "https://c.example"), us("u", TOK % "c"), cx("x", "c", "u"), "x")},
     env=["a.yaml", "b.yaml", "c.yaml"])

case("04-current-context-first-nonempty",
     "first non-empty current-context wins (first file has none, second has one, third has another)",
     {"a.yaml": cfg(cl("ca", "https://a.example"), us("ua", TOK % "a"), cx("xa", "ca", "ua")),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub"), "xb"),
      "c.yaml": cfg(cl("cc", "https://c.example"), us("uc", TOK % "c"), cx("xc", "cc", "uc"), "xa")},
     env=["a.yaml", "b.yaml", "c.yaml"])

case("05-current-context-first-file-wins",
     "both files set current-context: the first file's value wins even if the context is defined in the second",
     {"a.yaml": cfg(cl("ca", "https://a.example"), us("ua", TOK % "a"), cx("xa", "ca", "ua"), "xb"),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub"), "xa")},
     env=["a.yaml", "b.yaml"])

case("06-current-context-empty-string-first",
     "current-context: \"\" in the first file is treated as unset; second file's value is used",
     {"a.yaml": cfg(cl("ca", "https://a.example"), us("ua", TOK % "a"), cx("xa", "ca", "ua"), '""'),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub"), "xb")},
     env=["a.yaml", "b.yaml"])

case("07-missing-files-skipped",
     "KUBECONFIG entries naming files that do not exist are skipped silently",
     {"b.yaml": cfg(cl("c", "https://b.example"), us("u", TOK % "b"), cx("x", "c", "u"), "x")},
     env=["missing1.yaml", "b.yaml", "nope/missing2.yaml"])

case("08-empty-entries",
     "empty KUBECONFIG entries (leading, middle, trailing ':') are ignored",
     {"a.yaml": cfg(cl("ca", "https://a.example"), us("ua", TOK % "a"), cx("xa", "ca", "ua"), "xa"),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub"), "xb")},
     env=["", "a.yaml", "", "b.yaml", ""])

case("09-duplicate-entries",
     "a file listed twice in KUBECONFIG is harmless (no error; first occurrence keeps its precedence over b.yaml)",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"), "x"),
      "b.yaml": cfg(cl("c", "https://b.example"), us("u", TOK % "b"), cx("x", "c", "u"), "x")},
     env=["a.yaml", "b.yaml", "a.yaml"])

case("10-kubeconfig-flag-overrides-env",
     "--kubeconfig replaces KUBECONFIG entirely (no merging with the env list)",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"), "x"),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub"), "xb")},
     env=["a.yaml"], kubeconfig="b.yaml")

case("11-kubeconfig-flag-missing-file",
     "--kubeconfig naming a missing file: config view treats it as an empty config (KUBECONFIG is NOT consulted), so --minify fails for lack of current-context",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"], kubeconfig="missing.yaml")

case("12-context-flag-from-second-file",
     "--context selects a context defined only in the second file, overriding current-context",
     {"a.yaml": cfg(cl("ca", "https://a.example"), us("ua", TOK % "a"), cx("xa", "ca", "ua"), "xa"),
      "b.yaml": cfg(cl("cb", "https://b.example"), us("ub", TOK % "b"), cx("xb", "cb", "ub", "    namespace: nb\n"))},
     env=["a.yaml", "b.yaml"], context="xb")

case("13-context-flag-unknown",
     "--context naming an unknown context is an error",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"], context="nosuch")

case("14-no-current-context",
     "no current-context anywhere and no --context: error",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"))},
     env=["a.yaml"])

case("15-current-context-undefined",
     "current-context names a context that is not defined: error",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u"), "ghost")},
     env=["a.yaml"])

case("16-context-missing-cluster",
     "context refers to a cluster that is not defined: error cannot locate cluster",
     {"a.yaml": cfg(cl("other", "https://a.example"), us("u", TOK % "a"), cx("x", "nocluster", "u"), "x")},
     env=["a.yaml"])

case("17-context-missing-user",
     "context refers to a user that is not defined: error cannot locate user",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("other", TOK % "a"), cx("x", "c", "nouser"), "x")},
     env=["a.yaml"])

case("18-context-no-user",
     "context without a user field: ok, context.user is \"\" and users is null",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c"), "x")},
     env=["a.yaml"])

# ---------------------------------------------------------------- users
case("19-user-client-cert-files-flatten",
     "client-certificate/client-key paths relative to the kubeconfig's folder are inlined as *-data by --flatten",
     {"sub/a.yaml": cfg(cl("c", "https://a.example"),
                        us("u", "    client-certificate: certs/client.crt\n    client-key: ../keys/client.key\n"),
                        cx("x", "c", "u"), "x"),
      "sub/certs/client.crt": PEM_CERT, "keys/client.key": PEM_KEY},
     env=["sub/a.yaml"], flatten=True)

case("20-user-client-cert-files-raw",
     "client-certificate/client-key paths are printed relative (as written) by --raw",
     {"sub/a.yaml": cfg(cl("c", "https://a.example"),
                        us("u", "    client-certificate: certs/client.crt\n    client-key: ../keys/client.key\n"),
                        cx("x", "c", "u"), "x"),
      "sub/certs/client.crt": PEM_CERT, "keys/client.key": PEM_KEY},
     env=["sub/a.yaml"])

case("21-user-cert-data",
     "client-certificate-data/client-key-data are passed through verbatim",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("22-user-token-and-tokenfile",
     "token and tokenFile (relative) are both kept; tokenFile is not inlined by --flatten",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    token: abc.def\n    tokenFile: secrets/token\n"),
                    cx("x", "c", "u"), "x"),
      "secrets/token": "file-token\n"},
     env=["a.yaml"], flatten=True)

case("23-user-basic-auth",
     "username/password user",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    username: admin\n    password: \"p@ss: word\"\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("24-exec-v1-interactive",
     "exec v1 with interactiveMode, args, env list",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: kubelogin\n"
                            "      args:\n      - get-token\n      - --server-id\n      - 6dae42f8\n"
                            "      env:\n      - name: AAD_LOGIN_METHOD\n        value: azurecli\n      - name: EMPTY\n        value: \"\"\n"
                            "      interactiveMode: Never\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("25-exec-v1beta1-defaults",
     "exec v1beta1 without interactiveMode/args/env: interactiveMode defaulted to IfAvailable, args/env null, provideClusterInfo false",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("26-exec-provide-cluster-info-install-hint",
     "exec with provideClusterInfo: true, installHint, interactiveMode Always, empty args/env lists",
     {"a.yaml": cfg(cl("c", "https://a.example", "    extensions:\n    - name: client.authentication.k8s.io/exec\n      extension:\n        audience: foo\n        nested:\n          k: 1\n"),
                    us("u", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /usr/local/bin/cred\n"
                            "      args: []\n      env: []\n      provideClusterInfo: true\n      interactiveMode: Always\n"
                            "      installHint: |\n        install cred with:\n          brew install cred\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("27-exec-v1-no-interactive-mode",
     "exec v1 without interactiveMode: rendered as-is (v1 requires it but config view does not validate)",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: cred\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("28-auth-provider-azure",
     "legacy auth-provider azure block with config map",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    auth-provider:\n      name: azure\n      config:\n        apiserver-id: 6dae42f8-4368-4678-94ff-3960e28e3630\n"
                            "        client-id: 80faf920-1908-4b52-b5ef-a8e7bedfc67a\n        config-mode: \"1\"\n"
                            "        environment: AzurePublicCloud\n        tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("29-impersonation",
     "as / as-uid / as-groups / as-user-extra impersonation fields",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    token: t\n    as: system:serviceaccount:ns:sa\n    as-uid: 1234-uid\n"
                            "    as-groups:\n    - system:masters\n    - devs\n"
                            "    as-user-extra:\n      scopes:\n      - view\n      - edit\n      reason:\n      - oncall\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

# ---------------------------------------------------------------- clusters
case("30-cluster-tls-fields",
     "server, tls-server-name, insecure-skip-tls-verify, disable-compression",
     {"a.yaml": cfg(cl("c", "https://10.0.0.1:443", "    tls-server-name: api.internal\n    insecure-skip-tls-verify: true\n    disable-compression: true\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("31-cluster-ca-relative-flatten",
     "--flatten resolves paths against each file's own folder: ../ in conf/a.yaml, sub-folder and ../../ in conf/deep/b.yaml",
     {"conf/a.yaml": cfg(cl("ca", "https://a.example", "    certificate-authority: ../pki/ca-a.pem\n"),
                         us("u", TOK % "a"), cx("xa", "ca", "u"), "xb"),
      "conf/deep/b.yaml": cfg(users=us("ub", "    client-certificate: certs/u.crt\n    client-key: ../../pki/u.key\n"),
                              contexts=cx("xb", "ca", "ub")),
      "pki/ca-a.pem": PEM_CA, "conf/deep/certs/u.crt": PEM_CERT, "pki/u.key": PEM_KEY},
     env=["conf/a.yaml", "conf/deep/b.yaml"], flatten=True)

case("32-cluster-ca-relative-raw",
     "certificate-authority in a second file in a sub-folder is printed as written by --raw",
     {"conf/a.yaml": cfg(cl("ca", "https://a.example", "    certificate-authority: ../pki/ca-a.pem\n"),
                         us("u", TOK % "a"), cx("xa", "ca", "u"), "xb"),
      "conf/deep/b.yaml": cfg(cl("cb", "https://b.example", "    certificate-authority: certs/ca-b.pem\n"),
                              contexts=cx("xb", "cb", "u")),
      "pki/ca-a.pem": PEM_CA, "conf/deep/certs/ca-b.pem": PEM_CA},
     env=["conf/a.yaml", "conf/deep/b.yaml"])

case("33-cluster-ca-data",
     "certificate-authority-data passed through",
     {"a.yaml": cfg(cl("c", "https://a.example", "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"], flatten=True)

case("34-proxy-url-http",
     "proxy-url with http scheme",
     {"a.yaml": cfg(cl("c", "https://a.example", "    proxy-url: http://proxy.example:3128\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("35-proxy-url-https",
     "proxy-url with https scheme and credentials",
     {"a.yaml": cfg(cl("c", "https://a.example", "    proxy-url: https://user:pw@proxy.example:8443\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("36-proxy-url-socks5",
     "proxy-url with socks5 scheme",
     {"a.yaml": cfg(cl("c", "https://a.example", "    proxy-url: socks5://127.0.0.1:1080\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("37-extensions-everywhere",
     "extensions on cluster, user, context and top level (preferences) are preserved",
     {"a.yaml": cfg(cl("c", "https://a.example", "    extensions:\n    - name: ext-c\n      extension:\n        a: 1\n        b: [x, z]\n"),
                    us("u", "    token: t\n    extensions:\n    - name: ext-u\n      extension: {k: v}\n"),
                    cx("x", "c", "u", "    extensions:\n    - name: ext-x\n      extension:\n        last-update: Mon, 01 Jan 2024\n"),
                    "x", extra="extensions:\n- name: top\n  extension:\n    t: true\npreferences:\n  colors: true\n  extensions:\n  - name: pref\n    extension: {p: 1}\n")},
     env=["a.yaml"])

case("38-context-namespace",
     "namespace in the context is kept",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"),
                    cx("x", "c", "u", "    namespace: kube-system\n"), "x")},
     env=["a.yaml"])

case("39-cluster-no-server",
     "cluster entry without server: server is printed as \"\"",
     {"a.yaml": cfg("- name: c\n  cluster:\n    insecure-skip-tls-verify: false\n",
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

# ---------------------------------------------------------------- YAML edge cases
def simple(ctx="x", cluster="c", user="u", current=None):
    return cfg(cl(cluster, "https://a.example"), us(user, TOK % "a"), cx(ctx, cluster, user),
               current if current is not None else ctx)

case("40-yaml-bool-name-y",
     "unquoted `name: y` (YAML 1.1 bool) as a context name: error (bool into string)",
     {"a.yaml": simple(ctx="y", current='"y"')}, env=["a.yaml"])

case("41-yaml-bool-name-no",
     "unquoted `name: no` (YAML 1.1 bool) as a cluster name: error",
     {"a.yaml": simple(cluster="no")}, env=["a.yaml"])

case("42-yaml-bool-name-on",
     "unquoted `name: on` as a user name (and context user: on): error",
     {"a.yaml": simple(user="on")}, env=["a.yaml"])

case("43-yaml-bool-name-quoted",
     "quoted \"y\" / 'no' / \"on\" as names are plain strings",
     {"a.yaml": simple(ctx='"y"', cluster="'no'", user='"on"', current='"y"')}, env=["a.yaml"])

case("44-yaml-number-names",
     "unquoted numbers as names (`name: 123`): error (number into string)",
     {"a.yaml": simple(ctx="123", cluster="456", user="7.5", current="123")}, env=["a.yaml"])

case("45-yaml-flow-style",
     "whole kubeconfig in YAML flow style",
     {"a.yaml": '{apiVersion: v1, kind: Config, clusters: [{name: c, cluster: {server: "https://a.example", insecure-skip-tls-verify: true}}], '
                'users: [{name: u, user: {token: t}}], contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}], current-context: x}\n'},
     env=["a.yaml"])

case("46-yaml-anchors-aliases",
     "anchors and aliases (&a / *a) and merge keys are resolved",
     {"a.yaml": "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: &cl\n    server: https://a.example\n    tls-server-name: shared\n"
                "- name: c2\n  cluster: *cl\nusers:\n- name: &uname u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c2\n    user: *uname\n"
                "current-context: x\n"},
     env=["a.yaml"])

case("47-yaml-comments",
     "comments everywhere, including trailing comments on values",
     {"a.yaml": "# top comment\napiVersion: v1 # trailing\nkind: Config\nclusters: # list\n- name: c   # name\n  cluster:\n    # inner comment\n    server: https://a.example#frag # real comment\n"
                "users:\n- name: u\n  user:\n    token: 'abc#def' # quoted hash kept\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x # end\n# eof\n"},
     env=["a.yaml"])

case("48-yaml-crlf",
     "CRLF line endings",
     {"a.yaml": simple().replace("\n", "\r\n")}, env=["a.yaml"])

case("49-yaml-bom",
     "UTF-8 byte order mark at the start of the file",
     {"a.yaml": "\ufeff" + simple()}, env=["a.yaml"])

case("50-yaml-multiple-documents",
     "file with two `---` documents: only the first document is used",
     {"a.yaml": "---\n" + simple(ctx="first", cluster="c1") + "---\n" + simple(ctx="second", cluster="c2")},
     env=["a.yaml"])

case("51-yaml-tabs-in-values",
     "tab characters inside a value and as separation after the colon",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", "    token:\tt\tx\n"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("52-yaml-tab-indentation",
     "tab used for indentation: YAML error",
     {"a.yaml": simple().replace("    server:", "\tserver:")}, env=["a.yaml"])

case("53-yaml-malformed",
     "malformed YAML (unclosed flow sequence) is an error",
     {"a.yaml": "apiVersion: v1\nkind: Config\nclusters: [\n- name: c\n"}, env=["a.yaml"])

case("54-malformed-in-second-file",
     "a malformed second file fails the whole load even if the first file is fine",
     {"a.yaml": simple(), "b.yaml": "clusters: [oops\n"}, env=["a.yaml", "b.yaml"])

case("55-json-format",
     "kubeconfig written as JSON",
     {"a.json": json.dumps({"apiVersion": "v1", "kind": "Config",
                            "clusters": [{"name": "c", "cluster": {"server": "https://a.example", "certificate-authority-data": "QQ=="}}],
                            "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "x", "args": ["a"]}}}],
                            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                            "current-context": "x"}, indent=2)},
     env=["a.json"])

case("56-no-kind-apiversion",
     "kind and apiVersion missing: still loaded; output has kind Config / apiVersion v1",
     {"a.yaml": simple().replace("apiVersion: v1\nkind: Config\n", "")}, env=["a.yaml"])

case("57-unknown-fields",
     "unknown fields at every level are ignored",
     {"a.yaml": cfg(cl("c", "https://a.example", "    bogus: 1\n  weird: [1]\n"),
                    us("u", "    token: t\n    unknown-auth: yes\n"),
                    cx("x", "c", "u", "    colour: red\n"), "x", extra="somethingElse: {a: b}\n")},
     env=["a.yaml"])

case("58-only-preferences",
     "a file holding only preferences, followed by a normal file: preferences are merged in",
     {"a.yaml": "preferences:\n  colors: true\n", "b.yaml": simple()}, env=["a.yaml", "b.yaml"])

case("59-empty-file-first",
     "an empty (0-byte) file in the list is accepted and contributes nothing",
     {"a.yaml": "", "b.yaml": simple()}, env=["a.yaml", "b.yaml"])

case("60-home-default-config",
     "KUBECONFIG unset: $HOME/.kube/config is used; its relative CA path resolves against ~/.kube (flatten)",
     {"home/.kube/config": cfg(cl("c", "https://home.example", "    certificate-authority: ca.pem\n"),
                               us("u", TOK % "home"), cx("x", "c", "u"), "x"),
      "home/.kube/ca.pem": PEM_CA},
     home=True, flatten=True)

case("61-home-default-missing",
     "KUBECONFIG unset and no $HOME/.kube/config: empty config, --minify error (no current-context)",
     {"home/placeholder.txt": "HOME without .kube/config\n"}, home=True)

case("62-all-kubeconfig-entries-missing",
     "every KUBECONFIG entry missing: empty config, --minify error (no current-context)",
     {"placeholder.txt": "no kubeconfig files here\n"}, env=["x.yaml", "y.yaml"])

case("63-kubeconfig-flag-with-context",
     "--kubeconfig together with --context choosing a non-current context",
     {"a.yaml": cfg(cl("c1", "https://one.example") + cl("c2", "https://two.example"),
                    us("u1", TOK % "1") + us("u2", TOK % "2"),
                    cx("one", "c1", "u1") + cx("two", "c2", "u2", "    namespace: n2\n"), "one")},
     kubeconfig="a.yaml", context="two")

case("64-flatten-multi-file-relative",
     "--flatten over two files each with relative client cert/CA paths resolved against its own folder",
     {"a/config": cfg(cl("c", "https://a.example", "    certificate-authority: ca.pem\n"),
                      contexts=cx("x", "c", "u"), current="x"),
      "b/config": cfg(users=us("u", "    client-certificate: ./pki/u.crt\n    client-key-data: S0VZ\n")),
      "a/ca.pem": PEM_CA, "b/pki/u.crt": PEM_CERT},
     env=["a/config", "b/config"], flatten=True)

case("65-flatten-missing-ca-file",
     "--flatten with a certificate-authority file that does not exist: error (open ...: no such file)",
     {"a.yaml": cfg(cl("c", "https://a.example", "    certificate-authority: nothere.pem\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"], flatten=True)

case("66-duplicate-names-within-file",
     "the same cluster name twice inside one file: error duplicate name",
     {"a.yaml": cfg(cl("c", "https://first.example") + cl("c", "https://second.example"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("67-kubeconfig-flag-empty-file",
     "--kubeconfig pointing at an empty file: empty config, --minify error",
     {"a.yaml": ""}, kubeconfig="a.yaml")

case("68-context-flag-empty-cluster-and-user",
     "context with neither cluster nor user: ok, clusters/users null, cluster and user \"\"",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), "- name: x\n  context: {}\n", "x")},
     env=["a.yaml"])

case("69-yaml11-in-extensions",
     "extension payloads go through YAML 1.1: keys n/y/on become \"false\"/\"true\", values yes/off/~ become true/false/null, 1 key becomes \"1\"",
     {"a.yaml": cfg(cl("c", "https://a.example", "    extensions:\n    - name: e\n      extension:\n        n: 1\n        on: yes\n        v: [y, off, ~, NO, 'y']\n        2: x\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("70-yaml11-bool-values-in-bool-fields",
     "YAML 1.1 `yes`/`on` accepted as true for insecure-skip-tls-verify / disable-compression",
     {"a.yaml": cfg(cl("c", "https://a.example", "    insecure-skip-tls-verify: yes\n    disable-compression: on\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("71-quoted-bool-in-bool-field",
     "insecure-skip-tls-verify: \"true\" (a string) in a bool field: error",
     {"a.yaml": cfg(cl("c", "https://a.example", "    insecure-skip-tls-verify: \"true\"\n"),
                    us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("72-number-current-context",
     "current-context: 123 (unquoted number) with a context quoted \"123\": error",
     {"a.yaml": simple(ctx='"123"', current="123")}, env=["a.yaml"])

case("73-multi-doc-empty-first",
     "multi-document file whose first document is empty: empty config, --minify error",
     {"a.yaml": "---\n---\n" + simple()}, env=["a.yaml"])

case("74-multi-doc-second-ignored",
     "multi-document file: a second document is ignored even when the first lacks current-context",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", TOK % "a"), cx("x", "c", "u")) + "---\ncurrent-context: x\n"},
     env=["a.yaml"])

case("75-yaml-merge-key",
     "YAML merge key (<<: *base) inside a cluster",
     {"a.yaml": "apiVersion: v1\nkind: Config\nclusters:\n- name: base\n  cluster: &base\n    server: https://base.example\n    tls-server-name: base.internal\n"
                "- name: c\n  cluster:\n    <<: *base\n    server: https://override.example\n"
                "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n"},
     env=["a.yaml"])

case("76-exec-relative-command-subfolder",
     "exec command and tokenFile relative paths in a sub-folder file under --flatten",
     {"sub/a.yaml": cfg(cl("c", "https://a.example"),
                        us("u", "    tokenFile: tok/token\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ./bin/cred\n      args: [--x]\n"),
                        cx("x", "c", "u"), "x"),
      "sub/tok/token": "t\n", "sub/bin/cred": "#!/bin/sh\n"},
     env=["sub/a.yaml"], flatten=True)

case("77-field-name-case",
     "field names with wrong case (Server:, Token:) are not matched (case-sensitive): server \"\", user {}",
     {"a.yaml": cfg("- name: c\n  cluster:\n    Server: https://upper.example\n",
                    us("u", "    Token: T\n"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("78-null-values",
     "explicit nulls: users: null, empty cluster body, user:/namespace: ~ in context -> server \"\", user \"\", users null",
     {"a.yaml": "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\nusers: null\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user:\n    namespace: ~\ncurrent-context: x\n"},
     env=["a.yaml"])

case("79-kind-pod",
     "a file whose kind is not Config: error no kind registered",
     {"a.yaml": simple().replace("kind: Config", "kind: Pod")}, env=["a.yaml"])

case("80-apiversion-v2",
     "a file whose apiVersion is not v1: error no kind registered",
     {"a.yaml": simple().replace("apiVersion: v1", "apiVersion: v2")}, env=["a.yaml"])

case("81-directory-entry",
     "a KUBECONFIG entry that is a directory: error (is a directory)",
     {"dir/placeholder.txt": "not a kubeconfig\n", "b.yaml": simple()}, env=["dir", "b.yaml"])

case("82-preferences-and-extensions-merge",
     "preferences and top-level extensions across two files: extensions merged by name, first wins",
     {"a.yaml": simple() + "preferences: {}\nextensions:\n- name: e1\n  extension: {a: 1}\n",
      "b.yaml": "preferences:\n  colors: true\nextensions:\n- name: e1\n  extension: {a: 2}\n- name: e2\n  extension: {b: 2}\n"},
     env=["a.yaml", "b.yaml"])

case("83-ca-file-and-data-flatten",
     "--flatten with both certificate-authority file and certificate-authority-data: error",
     {"a.yaml": cfg(cl("c", "https://a.example", "    certificate-authority: ca.pem\n    certificate-authority-data: REFUQQ==\n"),
                    us("u", "    client-certificate: u.crt\n    client-certificate-data: REFUQQ==\n    client-key-data: S0VZ\n"),
                    cx("x", "c", "u"), "x"),
      "ca.pem": PEM_CA, "u.crt": PEM_CERT},
     env=["a.yaml"], flatten=True)

case("84-exec-env-without-value",
     "exec env entry with no value; exec v1alpha1 defaulting; token alongside exec",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    token: t\n    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: c\n      env:\n      - name: ONLY_NAME\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("85-exec-no-apiversion",
     "exec without apiVersion: no interactiveMode default, apiVersion omitted",
     {"a.yaml": cfg(cl("c", "https://a.example"),
                    us("u", "    exec:\n      command: c\n"),
                    cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("86-unicode-and-quoting",
     "unicode and quoted scalars in names and values",
     {"a.yaml": cfg("- name: \"clüster ☃\"\n  cluster:\n    server: 'https://a.example/it''s'\n",
                    us("ユーザー", "    token: \"a\\tb\\u00e9\"\n"),
                    "- name: ctx/with:colon\n  context:\n    cluster: \"clüster ☃\"\n    user: ユーザー\n", '"ctx/with:colon"')},
     env=["a.yaml"])

case("87-kubeconfig-flag-flatten-relative",
     "--kubeconfig file in a sub-folder with --flatten: relative CA path resolved against that file",
     {"k/config.yaml": cfg(cl("c", "https://a.example", "    certificate-authority: ../ca/ca.crt\n"),
                           us("u", TOK % "a"), cx("x", "c", "u"), "x"),
      "ca/ca.crt": PEM_CA},
     kubeconfig="k/config.yaml", flatten=True)

case("88-number-in-string-field",
     "unquoted number as a password (password: 12345) does not decode into a string field",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", "    username: admin\n    password: 12345\n"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("89-timestamp-like-strings",
     "timestamp-looking and other special plain scalars in string fields",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", "    token: 2001-12-14\n    username: 2001-12-14t21:59:43.10-05:00\n"),
                    cx("x", "c", "u", "    namespace: 12:30:00\n"), "x")},
     env=["a.yaml"])

case("90-duplicate-mapping-keys",
     "the same key twice in one mapping (server: twice): no error, last value wins",
     {"a.yaml": cfg(cl("c", "https://first.example", "    server: https://second.example\n"), us("u", TOK % "a"), cx("x", "c", "u"), "x")},
     env=["a.yaml"])

case("91-quoted-number-strings",
     "quoted numbers and special words in string fields are plain strings",
     {"a.yaml": cfg(cl("c", "https://a.example"), us("u", "    username: \"0123\"\n    password: '12345'\n    token: \"null\"\n"),
                    cx("x", "c", "u", "    namespace: \"true\"\n"), "x")},
     env=["a.yaml"])


def write():
    if os.path.isdir(ROOT):
        for d in os.listdir(ROOT):
            p = os.path.join(ROOT, d)
            if os.path.isdir(p) and d[:2].isdigit():
                shutil.rmtree(p)
    for (name, desc, files, env, kubeconfig, home, context, flatten) in CASES:
        d = os.path.join(ROOT, name)
        os.makedirs(d, exist_ok=True)
        for rel, content in files.items():
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(content.encode("utf-8"))
        c = {"description": desc, "env": env, "kubeconfig": kubeconfig,
             "home": home, "context": context, "flatten": flatten}
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump(c, f, indent=2)
            f.write("\n")

if __name__ == "__main__":
    write()
    print(len(CASES), "cases")

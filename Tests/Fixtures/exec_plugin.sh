#!/usr/bin/env bash
# exec_plugin.sh -- fake client-go exec credential plugin for aksnet tests.
#
# Everything is driven by files in $AKSNET_TEST_PLUGIN_DIR:
#   calls           (written) one line appended per invocation: "call" + " ARG" per argument
#   last_exec_info  (written) verbatim copy of $KUBERNETES_EXEC_INFO (empty file if unset)
#   last_env        (written) the AKSNET_TEST_* variables seen by this call (env | sort)
#   token           (read)    token to issue (trailing newline stripped)            [required*]
#   expiry          (read)    RFC3339 expirationTimestamp                            [optional]
#   client_cert / client_key (read) PEM -> clientCertificateData / clientKeyData    [optional]
#   delay           (read)    seconds to sleep before answering (e.g. 0.5)          [optional]
#   output          (read)    if present, printed verbatim instead of the JSON      [optional]
#   fail            (read)    if present: its content goes to stderr, exit 1        [optional]
# (*) token may be omitted when client_cert/client_key are given.
#
# The printed apiVersion is the one found in $KUBERNETES_EXEC_INFO, default
# client.authentication.k8s.io/v1.
set -u

dir=${AKSNET_TEST_PLUGIN_DIR:?AKSNET_TEST_PLUGIN_DIR must be set}

line="call"
for a in "$@"; do line+=" $a"; done
printf '%s\n' "$line" >>"$dir/calls"
printf '%s' "${KUBERNETES_EXEC_INFO:-}" >"$dir/last_exec_info"
env | grep '^AKSNET_TEST_' | sort >"$dir/last_env" || true

if [[ -f "$dir/delay" ]]; then
    sleep "$(tr -d '[:space:]' <"$dir/delay")"
fi

if [[ -e "$dir/fail" ]]; then
    cat "$dir/fail" >&2
    exit 1
fi

if [[ -f "$dir/output" ]]; then
    cat "$dir/output"
    exit 0
fi

# JSON string escaping for the few characters that can occur here.
json_str() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\r'/}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}

api_version=client.authentication.k8s.io/v1
if [[ -n "${KUBERNETES_EXEC_INFO:-}" ]]; then
    v=$(printf '%s' "$KUBERNETES_EXEC_INFO" | tr -d '\n' |
        sed -n 's/.*"apiVersion"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
    v=${v//\\\//\/}          # Swift's JSONEncoder may write "\/"
    [[ -n "$v" ]] && api_version=$v
fi

status=""
if [[ -f "$dir/token" ]]; then
    status+="\"token\":$(json_str "$(cat "$dir/token")")"
fi
if [[ -f "$dir/client_cert" && -f "$dir/client_key" ]]; then
    [[ -n "$status" ]] && status+=","
    status+="\"clientCertificateData\":$(json_str "$(cat "$dir/client_cert")"$'\n')"
    status+=",\"clientKeyData\":$(json_str "$(cat "$dir/client_key")"$'\n')"
fi
if [[ -z "$status" ]]; then
    echo "exec_plugin.sh: no $dir/token (or client_cert+client_key) to issue" >&2
    exit 1
fi
if [[ -s "$dir/expiry" ]]; then
    status+=",\"expirationTimestamp\":$(json_str "$(tr -d '[:space:]' <"$dir/expiry")")"
fi

printf '{"apiVersion":%s,"kind":"ExecCredential","status":{%s}}\n' "$(json_str "$api_version")" "$status"

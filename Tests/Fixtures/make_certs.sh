#!/usr/bin/env bash
# make_certs.sh DIR -- generate the TLS material used by fake_apiserver.py tests.
#
# Creates in DIR (PEM, EC P-256 keys in PKCS#8 "BEGIN PRIVATE KEY" form):
#   ca.crt ca.key             CA "aksnet-test-ca"
#   server.crt server.key     serverAuth, SAN DNS:localhost DNS:kubernetes.test IP:127.0.0.1 IP:::1
#   admin.crt admin.key       clientAuth, CN=admin O=system:masters   (signed by ca)
#   viewer.crt viewer.key     clientAuth, CN=viewer                   (signed by ca)
#   other-ca.crt other-ca.key a second, unrelated CA "aksnet-other-ca"
#   rogue.crt rogue.key       clientAuth, CN=admin O=system:masters   (signed by other-ca -> rejected)
#
# Idempotent: if every file already exists it does nothing (set FORCE=1 to regenerate).
# KEY_TYPE=rsa switches to RSA 2048 keys (slower). Concurrent runs on one DIR are
# serialised with flock. Quiet on success; errors go to stderr, exit status != 0.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
DIR=$1
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

FILES=(ca.crt ca.key server.crt server.key admin.crt admin.key viewer.crt viewer.key
       other-ca.crt other-ca.key rogue.crt rogue.key)

all_present() {
    local f
    for f in "${FILES[@]}"; do [[ -s "$DIR/$f" ]] || return 1; done
    return 0
}

generate() {
    if [[ "${FORCE:-0}" != 1 ]] && all_present; then
        return 0
    fi
    local tmp
    tmp=$(mktemp -d "$DIR/.certs.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN

    cat >"$tmp/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:kubernetes.test,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    local cnf="$tmp/openssl.cnf"

    newkey() { # $1 = output key path
        if [[ "${KEY_TYPE:-ec}" == rsa ]]; then
            openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
        else
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
        fi
        chmod 600 "$1"
    }
    mkca() { # $1 = basename, $2 = CN
        newkey "$tmp/$1.key"
        openssl req -x509 -new -config "$cnf" -extensions v3_ca -key "$tmp/$1.key" \
            -subj "/CN=$2" -days 3650 -set_serial "0x$(openssl rand -hex 16)" \
            -out "$tmp/$1.crt" 2>/dev/null
    }
    mkleaf() { # $1 = basename, $2 = subject, $3 = issuer basename, $4 = extension section
        newkey "$tmp/$1.key"
        openssl req -new -config "$cnf" -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr" 2>/dev/null
        openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.crt" -CAkey "$tmp/$3.key" \
            -set_serial "0x$(openssl rand -hex 16)" -days 3650 \
            -extfile "$cnf" -extensions "$4" -out "$tmp/$1.crt" 2>/dev/null
        rm -f "$tmp/$1.csr"
    }

    mkca ca "aksnet-test-ca"
    mkca other-ca "aksnet-other-ca"
    mkleaf server "/CN=kube-apiserver" ca server
    mkleaf admin "/O=system:masters/CN=admin" ca client
    mkleaf viewer "/CN=viewer" ca client
    mkleaf rogue "/O=system:masters/CN=admin" other-ca client

    # Sanity check before publishing anything.
    openssl verify -CAfile "$tmp/ca.crt" "$tmp/server.crt" "$tmp/admin.crt" "$tmp/viewer.crt" >/dev/null
    if openssl verify -CAfile "$tmp/ca.crt" "$tmp/rogue.crt" >/dev/null 2>&1; then
        echo "make_certs.sh: rogue.crt unexpectedly verifies against ca.crt" >&2
        return 1
    fi

    local f
    for f in "${FILES[@]}"; do mv -f "$tmp/$f" "$DIR/$f"; done
}

# Serialise concurrent invocations on the same DIR.
exec 9>"$DIR/.make_certs.lock"
flock 9
generate

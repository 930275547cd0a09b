#!/bin/sh
# make-certs.sh — test certificates for the sync tests, made at test time
#
# Copyright 2026 The Bedside MAR developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: make-certs.sh DIR
#
# Writes into DIR (created if missing; keys are mode 0600):
#   ca.pem ca.key               the test CA
#   server.pem server.key       server certificate for 127.0.0.1, ::1 and localhost
#   expired.pem expired.key     same names, issued by the test CA, expired in 2020
#   wronghost.pem wronghost.key issued by the test CA for wrong.example.org only
#   other-ca.pem other-ca.key   a second, unrelated CA
#   client.pem client.key       a client certificate (mTLS) issued by the test CA
#   other-client.pem other-client.key  a client certificate from the unrelated CA
#   pin.txt                     the SPKI pin of server.key, sha256//base64
# and prints the pin on stdout. Nothing here is ever committed: every test run
# makes its own (EC P-256, quick to generate).
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

key () {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

ca () { # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$1.pem"
}

# leaf NAME SUBJECT EXTFILE ISSUER [days]
leaf () {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial \
    -sha256 -days "${5:-825}" -extfile "$3" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

cat > server.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
EOF
cat > wronghost.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:wrong.example.org
EOF
cat > client.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EOF

ca ca "/O=Bedside MAR tests/CN=Bedside MAR test CA"
ca other-ca "/O=Somebody else/CN=Unrelated test CA"
leaf server "/O=Bedside MAR tests/CN=localhost" server.ext ca
leaf wronghost "/O=Bedside MAR tests/CN=wrong.example.org" wronghost.ext ca
leaf client "/O=Bedside MAR tests/CN=bedside-terminal-01" client.ext ca
leaf other-client "/O=Somebody else/CN=intruder" client.ext other-ca

# The expired certificate needs dates in the past, which `openssl x509 -req`
# (3.0) cannot set; `openssl ca` can.
key expired.key
openssl req -new -key expired.key -subj "/O=Bedside MAR tests/CN=localhost" -out expired.csr
mkdir -p ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca-db/openssl.cnf <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
organizationName = optional
commonName = supplied
EOF
openssl ca -batch -config ca-db/openssl.cnf -in expired.csr -out expired.pem \
  -startdate 20200101000000Z -enddate 20200201000000Z -extfile server.ext \
  -notext 2>/dev/null
rm -rf ca-db expired.csr ./*.srl ./*.ext

chmod 600 ./*.key
chmod 644 ./*.pem

pin="sha256//$(openssl pkey -in server.key -pubout -outform der | openssl dgst -sha256 -binary | base64)"
printf '%s\n' "$pin" > pin.txt
printf '%s\n' "$pin"

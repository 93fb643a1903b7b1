#!/usr/bin/env python3
"""Prints, as hex, the raw WebSocket bytes a lab API server sends after the 101 for one
exec/attach/portforward path: the byte tables of Tests/KubeWireTests/LabCapturedFramesTests.swift.

usage: capture_frames.py LAB_DIR PROTOCOL PATH
  e.g. capture_frames.py /tmp/lab v5.channel.k8s.io '/api/v1/namespaces/default/pods/t/exec?command=true&stdout=true'
"""
import base64
import re
import socket
import ssl
import sys

lab, protocol, path = sys.argv[1:4]
port = int(re.search(r"server: https://127\.0\.0\.1:(\d+)", open(f"{lab}/kubeconfig").read()).group(1))
context = ssl.create_default_context(cafile=f"{lab}/pki/ca.crt")
context.load_cert_chain(f"{lab}/pki/admin.crt", f"{lab}/pki/admin.key")
sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="127.0.0.1")
key = base64.b64encode(b"0123456789abcdef").decode()
sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n").encode())
data = b""
while b"\r\n\r\n" not in data:
    data += sock.recv(4096)
head, rest = data.split(b"\r\n\r\n", 1)
sys.stderr.write(head.decode() + "\n")
try:
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
except (socket.timeout, ssl.SSLError) as error:
    sys.stderr.write(f"{error!r}\n")
print(rest.hex())

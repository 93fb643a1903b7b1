#!/usr/bin/env python3
"""Loopback-only forward proxy for aksnet tests (HTTP CONNECT, HTTPS CONNECT, SOCKS5).

Python 3.11, standard library only.  See README.md next to this file.

    loopback_proxy.py --dir DIR --mode http|https|socks5 [--cert FILE --key FILE] [--verbose]

Listens on 127.0.0.1, port chosen by the kernel.  Writes the pid to
DIR/proxy-pid and then the port to DIR/proxy-port (each atomically: temp file +
rename, content "N\\n").  Both are removed again on a clean exit (SIGTERM or
SIGINT -> exit status 0).

It only ever connects to 127.0.0.1, ::1 or "localhost" (which is mapped to
127.0.0.1, then ::1 if that is refused; no DNS lookup is ever made).  Anything
else is refused: HTTP 403 for CONNECT, SOCKS5 reply 0x02 (IP literal) or 0x04
(host name).

Every tunnel that is set up appends "MODE host:port\\n" to DIR/proxy-log before
the success reply is sent.  Refused requests append the same kind of line to
DIR/proxy-refused.
"""

import argparse
import ipaddress
import os
import select
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading

MODE = "http"
DIR = "."
VERBOSE = False
HANDSHAKE_TIMEOUT = 10.0      # seconds for TLS handshake / request header / SOCKS negotiation
CONNECT_TIMEOUT = 5.0         # seconds to connect to the target
MAX_HEADER = 64 * 1024
BUF = 64 * 1024
RELAY_LIMIT = 256 * 1024     # max bytes buffered per direction

_log_lock = threading.Lock()


def log(msg):
    sys.stderr.write("loopback_proxy: %s\n" % msg)
    sys.stderr.flush()


def vlog(msg):
    if VERBOSE:
        log(msg)


def append_line(name, line):
    with _log_lock:
        fd = os.open(os.path.join(DIR, name), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, (line + "\n").encode("utf-8", "replace"))
        finally:
            os.close(fd)


def fmt_target(host, port):
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


# --------------------------------------------------------------------------
# Target policy
# --------------------------------------------------------------------------

class Refused(Exception):
    """The target is not a loopback target.  is_name: it was a (non-literal) host name."""

    def __init__(self, is_name):
        super().__init__("refused")
        self.is_name = is_name


def loopback_addresses(host):
    """Return the list of (family, address) to try for host, or raise Refused.

    Only 127.0.0.1, ::1 and localhost are accepted.  Never does a DNS lookup."""
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if h.lower() == "localhost":
        return [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        raise Refused(is_name=True)
    if ip == ipaddress.ip_address("127.0.0.1"):
        return [(socket.AF_INET, "127.0.0.1")]
    if ip == ipaddress.ip_address("::1"):
        return [(socket.AF_INET6, "::1")]
    raise Refused(is_name=False)


def connect_target(addrs, port):
    """Connect to the first address that accepts.  Raises OSError from the last attempt."""
    err = None
    for fam, addr in addrs:
        s = socket.socket(fam, socket.SOCK_STREAM)
        try:
            s.settimeout(CONNECT_TIMEOUT)
            s.connect((addr, port))
            s.settimeout(None)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except OSError as e:
            err = e
            s.close()
    raise err


# --------------------------------------------------------------------------
# Relay
# --------------------------------------------------------------------------

def relay(client, target, initial=b""):
    """Copy bytes both ways until the target closes (or anything fails).

    One thread, non-blocking sockets and select(), with a bounded buffer per direction:
    safe with an SSLSocket on the client side (an OpenSSL connection must not be used
    from two threads at once) and cannot deadlock on full-duplex traffic.  EOF from the
    client half-closes the target (SHUT_WR) and target->client keeps flowing until the
    target closes; then the client connection is closed (TLS: close_notify first)."""
    is_tls = isinstance(client, ssl.SSLSocket)
    c2t = bytearray(initial)            # pending client -> target
    t2c = bytearray()                   # pending target -> client
    c_eof = t_eof = t_shut = False
    client.setblocking(False)
    target.setblocking(False)
    try:
        while True:
            if t_eof and not t2c:
                break
            if c_eof and not c2t and not t_shut:
                t_shut = True
                try:
                    target.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            rl, wl = [], []
            read_client = not c_eof and len(c2t) < RELAY_LIMIT
            read_target = not t_eof and len(t2c) < RELAY_LIMIT
            if read_client:
                rl.append(client)
            if read_target:
                rl.append(target)
            if c2t:
                wl.append(target)
            if t2c:
                wl.append(client)
            buffered = read_client and is_tls and client.pending() > 0
            r, w, _ = select.select(rl, wl, [], 0 if buffered else None)
            if read_client and (buffered or client in r):
                try:
                    data = client.recv(BUF)
                    if data:
                        c2t += data
                    else:
                        c_eof = True
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    pass
                except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError):
                    c_eof = True
            if read_target and target in r:
                try:
                    data = target.recv(BUF)
                    if data:
                        t2c += data
                    else:
                        t_eof = True
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    t_eof = True
            if c2t and target in w:
                try:
                    del c2t[:target.send(c2t)]
                except BlockingIOError:
                    pass
            if t2c and client in w:
                try:
                    del t2c[:client.send(t2c)]
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    pass
        if is_tls:
            try:
                client.unwrap()         # sends close_notify; does not wait for the peer's
            except Exception:
                pass
    except Exception:                   # peer reset, socket shut down at exit, ...
        return


# --------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------

class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.sock = self.request
        self.target = None
        self.server.track(self.sock, True)

    def finish(self):
        self.server.track(self.sock, False)
        for s in (self.target, self.sock):
            if s is None:
                continue
            try:
                s.close()
            except OSError:
                pass

    def handle(self):
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.settimeout(HANDSHAKE_TIMEOUT)
            if MODE == "https":
                tls = self.server.ssl_ctx.wrap_socket(self.sock, server_side=True)
                self.server.track(self.sock, False)
                self.sock = tls
                self.server.track(self.sock, True)
            if MODE == "socks5":
                self.handle_socks5()
            else:
                self.handle_connect()
        except (OSError, ssl.SSLError, ValueError) as e:
            vlog("connection from %s:%d: %s" % (self.client_address[0], self.client_address[1], e))

    # ---------------- HTTP(S) CONNECT ----------------

    def send_status(self, code, reason, body=""):
        b = body.encode()
        extra = "Allow: CONNECT\r\n" if code == 405 else ""
        msg = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
               "%sConnection: close\r\n\r\n" % (code, reason, len(b), extra)).encode() + b
        self.sock.sendall(msg)

    def handle_connect(self):
        buf = b""
        while b"\r\n\r\n" not in buf:
            if len(buf) > MAX_HEADER:
                self.send_status(431, "Request Header Fields Too Large")
                return
            chunk = self.sock.recv(BUF)
            if not chunk:
                return
            buf += chunk
        head, rest = buf.split(b"\r\n\r\n", 1)
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        vlog("request: %s" % request_line)
        parts = request_line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self.send_status(400, "Bad Request", "malformed request line\n")
            return
        method, authority, _ = parts
        if method.upper() != "CONNECT":
            self.send_status(405, "Method Not Allowed", "only CONNECT is supported\n")
            return
        host, sep, port_s = authority.rpartition(":")
        if not sep or not host or not port_s.isdigit() or not 0 < int(port_s) < 65536:
            self.send_status(400, "Bad Request", "bad CONNECT authority\n")
            return
        port = int(port_s)
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if host.lower() == "localhost":
            host = "localhost"
        name = fmt_target(host, port)
        try:
            addrs = loopback_addresses(host)
        except Refused:
            append_line("proxy-refused", "%s %s" % (MODE, name))
            vlog("refused %s" % name)
            self.send_status(403, "Forbidden", "loopback_proxy: only loopback targets allowed\n")
            return
        try:
            self.target = connect_target(addrs, port)
        except OSError as e:
            vlog("connect %s failed: %s" % (name, e))
            self.send_status(502, "Bad Gateway", "loopback_proxy: connect failed: %s\n" % e)
            return
        append_line("proxy-log", "%s %s" % (MODE, name))
        self.sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.sock.settimeout(None)
        relay(self.sock, self.target, rest)

    # ---------------- SOCKS5 ----------------

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError()
            buf += chunk
        return buf

    def socks_reply(self, rep):
        self.sock.sendall(struct.pack("!BBBB4sH", 5, rep, 0, 1, b"\0\0\0\0", 0))

    def handle_socks5(self):
        try:
            ver, nmethods = self.recv_exact(2)
            if ver != 5:
                return
            methods = self.recv_exact(nmethods)
            if 0 not in methods:
                self.sock.sendall(b"\x05\xff")
                return
            self.sock.sendall(b"\x05\x00")
            ver, cmd, _, atyp = self.recv_exact(4)
            if ver != 5:
                return
            if atyp == 1:
                host = socket.inet_ntop(socket.AF_INET, self.recv_exact(4))
            elif atyp == 4:
                host = socket.inet_ntop(socket.AF_INET6, self.recv_exact(16))
            elif atyp == 3:
                (ln,) = self.recv_exact(1)
                host = self.recv_exact(ln).decode("utf-8", "replace")
            else:
                self.socks_reply(0x08)          # address type not supported
                return
            (port,) = struct.unpack("!H", self.recv_exact(2))
        except EOFError:
            return
        if host.lower() == "localhost":
            host = "localhost"
        name = fmt_target(host.strip("[]") if atyp == 3 else host, port)
        vlog("socks5 cmd=%d atyp=%d %s" % (cmd, atyp, name))
        if cmd != 1:
            self.socks_reply(0x07)              # command not supported
            return
        try:
            addrs = loopback_addresses(host)
            if port == 0:
                raise Refused(is_name=False)
        except Refused as r:
            append_line("proxy-refused", "%s %s" % (MODE, name))
            vlog("refused %s" % name)
            self.socks_reply(0x04 if r.is_name else 0x02)
            return
        try:
            self.target = connect_target(addrs, port)
        except ConnectionRefusedError:
            self.socks_reply(0x05)
            return
        except OSError as e:
            vlog("connect %s failed: %s" % (name, e))
            self.socks_reply(0x01)
            return
        append_line("proxy-log", "%s %s" % (MODE, name))
        self.socks_reply(0x00)
        self.sock.settimeout(None)
        relay(self.sock, self.target)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, ssl_ctx):
        self.ssl_ctx = ssl_ctx
        self._conns = set()
        self._conns_lock = threading.Lock()
        super().__init__(addr, Handler)

    def track(self, sock, add):
        with self._conns_lock:
            if add:
                self._conns.add(sock)
            else:
                self._conns.discard(sock)

    def close_all(self):
        with self._conns_lock:
            conns = list(self._conns)
        for s in conns:
            try:
                # plain socket.shutdown also for SSLSocket: leaves the SSL object alone
                socket.socket.shutdown(s, socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if VERBOSE:
            import traceback
            traceback.print_exc()


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    global MODE, DIR, VERBOSE
    ap = argparse.ArgumentParser(description="loopback-only forward proxy for aksnet tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--mode", required=True, choices=["http", "https", "socks5"])
    ap.add_argument("--cert", help="PEM certificate (chain) for --mode https")
    ap.add_argument("--key", help="PEM private key for --mode https")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    MODE = args.mode
    DIR = os.path.abspath(args.dir)
    VERBOSE = args.verbose
    if MODE == "https" and not (args.cert and args.key):
        ap.error("--mode https needs --cert and --key")

    port_file = os.path.join(DIR, "proxy-port")
    pid_file = os.path.join(DIR, "proxy-pid")
    try:
        os.unlink(port_file)
    except FileNotFoundError:
        pass

    ctx = None
    if MODE == "https":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        ctx.set_alpn_protocols(["http/1.1"])

    srv = Server(("127.0.0.1", 0), ctx)
    port = srv.server_address[1]

    stopping = threading.Event()

    def stop(signum, frame):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The parent may have spawned us with these blocked (Swift Process from a worker thread).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    write_atomic(pid_file, "%d\n" % os.getpid())
    write_atomic(port_file, "%d\n" % port)
    log("%s proxy listening on 127.0.0.1:%d (pid %d)" % (MODE, port, os.getpid()))
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
        srv.close_all()
        for p in (port_file, pid_file):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

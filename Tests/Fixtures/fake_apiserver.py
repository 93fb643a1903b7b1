#!/usr/bin/env python3
"""Fake Kubernetes API server (HTTPS, HTTP/1.1) for aksnet tests.

Why a second cluster emulator beside the lab (kubectl-aksnet-lab): this one is the
scripted HTTP peer for KubeClient's tests, and does what the lab cannot. It records every
request it got (method, path, query, headers, body, authenticated and effective identity,
client certificate CN, connection id: GET /debug/requests) so a test can assert exactly
what the client sent; its faults hit the next N matching requests on cue (a status with
Retry-After, a delay, a connection dropped before or after a create took effect, a watch
cut after N events, an exec stream cut after N payload bytes), where the lab's API faults
are standing conditions (a share of requests, a latency, an expiry); it compacts on demand (410 Gone) and closes kept-alive
connections on request. It needs no root, network namespaces or Swift build (python3
stdlib and openssl), and one starts per test in well under a second. The lab is the
cluster for end-to-end behaviour (pods in real network namespaces, kubelets, tcpdump,
kubectl and client-go parity); it is not used for these client protocol cases.

Python 3.11, standard library only.  See README.md next to this file.

    fake_apiserver.py --dir DIR [--port 0] [--host 127.0.0.1] [--verbose]

DIR must contain server.crt, server.key and ca.crt (see make_certs.sh).  The
chosen port is written atomically to DIR/port and the pid to DIR/pid; both are
removed again on a clean exit (SIGTERM / SIGINT -> exit status 0).
"""

import argparse
import base64
import bisect
import collections
import copy
import errno
import fcntl
import hashlib
import io
import itertools
import json
import os
import pty
import random
import select
import signal
import socket
import socketserver
import ssl
import string
import struct
import subprocess
import sys
import termios
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.5",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}

BOOKMARK_INTERVAL = 1.0          # seconds between BOOKMARK events
KNOWN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
VERBOSE = False


def log(msg):
    sys.stderr.write("fake_apiserver: %s\n" % msg)
    sys.stderr.flush()


def now_rfc3339():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------
# Errors / Status objects
# --------------------------------------------------------------------------

def status_obj(code, reason, message, details=None):
    obj = {"kind": "Status", "apiVersion": "v1", "metadata": {},
           "status": "Failure", "message": message, "reason": reason}
    if details is not None:
        obj["details"] = details
    obj["code"] = code
    return obj


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        return status_obj(self.code, self.reason, self.message, self.details)


def err_unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def err_not_found_path():
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def err_method_not_allowed():
    return ApiError(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource", {})


def err_bad_request(msg):
    return ApiError(400, "BadRequest", msg)


def err_pod_not_found(name):
    return ApiError(404, "NotFound", 'pods "%s" not found' % name, {"name": name, "kind": "pods"})


def err_conflict(name, why):
    return ApiError(409, "Conflict", 'Operation cannot be fulfilled on pods "%s": %s' % (name, why),
                    {"name": name, "kind": "pods"})


def err_invalid(name, msg):
    return ApiError(422, "Invalid", 'Pod "%s" is invalid: %s' % (name, msg),
                    {"name": name, "kind": "Pod"})


FAULT_REASONS = {
    400: ("BadRequest", "injected fault: bad request"),
    401: ("Unauthorized", "Unauthorized"),
    403: ("Forbidden", "injected fault: forbidden"),
    404: ("NotFound", "the server could not find the requested resource"),
    409: ("Conflict", "injected fault: conflict"),
    410: ("Expired", "injected fault: expired"),
    422: ("Invalid", "injected fault: invalid"),
    429: ("TooManyRequests", "Too many requests, please try again later."),
    500: ("InternalError", "Internal error occurred: injected fault"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
    504: ("Timeout", "the server was unable to return a response in the time allotted, "
                     "but may still be processing the request"),
}


# --------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------

def parse_label_selector(sel):
    """Equality/existence selectors: a=b, a==b, a!=b, a, !a (comma separated)."""
    terms = []
    if not sel:
        return terms
    for raw in sel.split(","):
        t = raw.strip()
        if not t:
            continue
        if "!=" in t:
            k, v = t.split("!=", 1)
            terms.append(("ne", k.strip(), v.strip()))
        elif "==" in t:
            k, v = t.split("==", 1)
            terms.append(("eq", k.strip(), v.strip()))
        elif "=" in t:
            k, v = t.split("=", 1)
            terms.append(("eq", k.strip(), v.strip()))
        elif t.startswith("!"):
            terms.append(("absent", t[1:].strip(), None))
        elif any(c in t for c in " ()<>"):
            raise err_bad_request("unable to parse requirement: %s (only equality-based "
                                  "selectors are supported by the fake server)" % t)
        else:
            terms.append(("exists", t, None))
    for _, k, _ in terms:
        if not k:
            raise err_bad_request("unable to parse requirement: empty key in %r" % sel)
    return terms


def parse_field_selector(sel):
    terms = []
    if not sel:
        return terms
    for raw in sel.split(","):
        t = raw.strip()
        if not t:
            continue
        if "!=" in t:
            k, v = t.split("!=", 1)
            op = "ne"
        elif "==" in t:
            k, v = t.split("==", 1)
            op = "eq"
        elif "=" in t:
            k, v = t.split("=", 1)
            op = "eq"
        else:
            raise err_bad_request("invalid selector: '%s'; can't understand '%s'" % (sel, t))
        k = k.strip()
        if k not in ("metadata.name", "metadata.namespace"):
            raise err_bad_request('field label not supported: %s' % k)
        terms.append((op, k, v.strip()))
    return terms


def make_matcher(label_sel, field_sel):
    lterms = parse_label_selector(label_sel)
    fterms = parse_field_selector(field_sel)

    def match(obj):
        md = obj.get("metadata") or {}
        labels = md.get("labels") or {}
        for op, k, v in lterms:
            if op == "eq" and labels.get(k) != v:
                return False
            if op == "ne" and labels.get(k) == v:
                return False
            if op == "exists" and k not in labels:
                return False
            if op == "absent" and k in labels:
                return False
        for op, k, v in fterms:
            actual = md.get(k.split(".", 1)[1], "")
            if op == "eq" and actual != v:
                return False
            if op == "ne" and actual == v:
                return False
        return True
    return match


# --------------------------------------------------------------------------
# Patches
# --------------------------------------------------------------------------

def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


class JsonPatchError(Exception):
    pass


def _ptr_tokens(ptr):
    if ptr == "":
        return []
    if not ptr.startswith("/"):
        raise JsonPatchError("invalid JSON pointer %r" % ptr)
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr[1:].split("/")]


def _ptr_parent(doc, ptr):
    toks = _ptr_tokens(ptr)
    if not toks:
        raise JsonPatchError("cannot operate on the document root with %r" % ptr)
    cur = doc
    for t in toks[:-1]:
        if isinstance(cur, dict):
            if t not in cur:
                raise JsonPatchError("path %r does not exist" % ptr)
            cur = cur[t]
        elif isinstance(cur, list):
            try:
                cur = cur[int(t)]
            except (ValueError, IndexError):
                raise JsonPatchError("path %r does not exist" % ptr)
        else:
            raise JsonPatchError("path %r does not exist" % ptr)
    return cur, toks[-1]


def _ptr_get(doc, ptr):
    if ptr == "":
        return doc
    parent, last = _ptr_parent(doc, ptr)
    if isinstance(parent, dict):
        if last not in parent:
            raise JsonPatchError("path %r does not exist" % ptr)
        return parent[last]
    if isinstance(parent, list):
        try:
            return parent[int(last)]
        except (ValueError, IndexError):
            raise JsonPatchError("path %r does not exist" % ptr)
    raise JsonPatchError("path %r does not exist" % ptr)


def _ptr_add(doc, ptr, value):
    parent, last = _ptr_parent(doc, ptr)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            try:
                i = int(last)
            except ValueError:
                raise JsonPatchError("invalid array index %r" % last)
            if i < 0 or i > len(parent):
                raise JsonPatchError("array index %d out of bounds" % i)
            parent.insert(i, value)
    else:
        raise JsonPatchError("path %r does not exist" % ptr)


def _ptr_remove(doc, ptr):
    parent, last = _ptr_parent(doc, ptr)
    if isinstance(parent, dict):
        if last not in parent:
            raise JsonPatchError("unable to remove nonexistent key: %s" % last)
        return parent.pop(last)
    if isinstance(parent, list):
        try:
            return parent.pop(int(last))
        except (ValueError, IndexError):
            raise JsonPatchError("unable to remove nonexistent index %r" % last)
    raise JsonPatchError("path %r does not exist" % ptr)


def json_patch(doc, ops):
    """RFC 6902: add, remove, replace, move, copy, test."""
    if not isinstance(ops, list):
        raise JsonPatchError("a JSON patch must be an array of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise JsonPatchError("invalid operation %r" % (op,))
        kind, path = op["op"], op["path"]
        if kind == "add":
            if path == "":
                doc = copy.deepcopy(op.get("value"))
            else:
                _ptr_add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _ptr_remove(doc, path)
        elif kind == "replace":
            _ptr_get(doc, path)  # must exist
            if path == "":
                doc = copy.deepcopy(op.get("value"))
            else:
                _ptr_remove(doc, path)
                _ptr_add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "move":
            v = _ptr_remove(doc, op.get("from", ""))
            _ptr_add(doc, path, v)
        elif kind == "copy":
            _ptr_add(doc, path, copy.deepcopy(_ptr_get(doc, op.get("from", ""))))
        elif kind == "test":
            if _ptr_get(doc, path) != op.get("value"):
                raise JsonPatchError("testing value %s failed" % path)
        else:
            raise JsonPatchError("unexpected operation %r" % kind)
    return doc


# --------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------

class Store:
    """In-memory pods + event history.  All access under self.cond."""

    def __init__(self):
        self.cond = threading.Condition(threading.RLock())
        self.rv = 1
        self.pods = {}            # (ns, name) -> obj
        self.history = []         # [(rv, type, obj)]
        self.history_rvs = []     # parallel list of ints for bisect
        self.compact_rv = 0
        self.last_delete_options = None

    # callers hold self.cond
    def _emit(self, etype, obj):
        self.history.append((self.rv, etype, copy.deepcopy(obj)))
        self.history_rvs.append(self.rv)
        self.cond.notify_all()

    def _bump(self):
        self.rv += 1
        return str(self.rv)

    def namespaces(self):
        with self.cond:
            names = set(KNOWN_NAMESPACES) | {ns for ns, _ in self.pods}
        return sorted(names)

    def list(self, ns, match):
        with self.cond:
            items = [copy.deepcopy(o) for (pns, _), o in sorted(self.pods.items())
                     if (ns is None or pns == ns) and match(o)]
            return items, self.rv

    def get(self, ns, name):
        with self.cond:
            o = self.pods.get((ns, name))
            if o is None:
                raise err_pod_not_found(name)
            return copy.deepcopy(o)

    def create(self, ns, obj):
        if not isinstance(obj, dict):
            raise err_bad_request("the body of the request was in an unknown format")
        if obj.get("kind") not in (None, "Pod"):
            raise err_bad_request('the server expected kind "Pod" but got "%s"' % obj.get("kind"))
        obj = copy.deepcopy(obj)
        md = obj.setdefault("metadata", {})
        if not isinstance(md, dict):
            raise err_bad_request("metadata must be an object")
        if md.get("namespace") not in (None, "", ns):
            raise err_bad_request("the namespace of the provided object does not match "
                                  "the namespace sent on the request")
        with self.cond:
            name = md.get("name")
            if not name:
                gen = md.get("generateName")
                if not gen:
                    raise err_invalid("", "metadata.name: Required value: name or "
                                          "generateName is required")
                while True:
                    name = gen + "".join(random.choice("bcdfghjklmnpqrstvwxz2456789")
                                         for _ in range(5))
                    if (ns, name) not in self.pods:
                        break
            if (ns, name) in self.pods:
                raise ApiError(409, "AlreadyExists", 'pods "%s" already exists' % name,
                               {"name": name, "kind": "pods"})
            obj["kind"] = "Pod"
            obj["apiVersion"] = "v1"
            md["name"] = name
            md["namespace"] = ns
            md["uid"] = str(uuid.uuid4())
            md["creationTimestamp"] = now_rfc3339()
            md.pop("deletionTimestamp", None)
            md["resourceVersion"] = self._bump()
            if "status" not in obj:
                obj["status"] = {"phase": "Pending"}
            self.pods[(ns, name)] = obj
            self._emit("ADDED", obj)
            return copy.deepcopy(obj)

    def _store_update(self, ns, name, old, new, check_rv, allow_status=False):
        """Common tail of update/patch; caller holds the lock."""
        if not allow_status:
            # like the real apiserver: status is only writable through /status
            new.pop("status", None)
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
        new = dict([("kind", "Pod"), ("apiVersion", "v1")] +
                   [(k, v) for k, v in new.items() if k not in ("kind", "apiVersion")])
        md = new.setdefault("metadata", {})
        if not isinstance(md, dict):
            raise err_bad_request("metadata must be an object")
        if md.get("name") not in (None, name):
            raise err_bad_request("the name of the object (%s) does not match the name on "
                                  "the URL (%s)" % (md.get("name"), name))
        if md.get("namespace") not in (None, "", ns):
            raise err_bad_request("the namespace of the provided object does not match "
                                  "the namespace sent on the request")
        want_rv = md.get("resourceVersion")
        if check_rv and want_rv not in (None, "") and want_rv != old["metadata"]["resourceVersion"]:
            raise err_conflict(name, "the object has been modified; please apply your changes "
                                     "to the latest version and try again")
        md["name"] = name
        md["namespace"] = ns
        md["uid"] = old["metadata"]["uid"]
        md["creationTimestamp"] = old["metadata"]["creationTimestamp"]
        md["resourceVersion"] = old["metadata"]["resourceVersion"]
        if new == old:
            return copy.deepcopy(old), False     # no-op: no RV bump, no event
        md["resourceVersion"] = self._bump()
        self.pods[(ns, name)] = new
        self._emit("MODIFIED", new)
        return copy.deepcopy(new), True

    def update(self, ns, name, obj):
        if not isinstance(obj, dict):
            raise err_bad_request("the body of the request was in an unknown format")
        if obj.get("kind") not in (None, "Pod"):
            raise err_bad_request('the server expected kind "Pod" but got "%s"' % obj.get("kind"))
        with self.cond:
            old = self.pods.get((ns, name))
            if old is None:
                raise err_pod_not_found(name)
            return self._store_update(ns, name, old, copy.deepcopy(obj), True)[0]

    def patch(self, ns, name, ctype, patch, allow_status=False):
        with self.cond:
            old = self.pods.get((ns, name))
            if old is None:
                raise err_pod_not_found(name)
            if ctype == "application/json-patch+json":
                try:
                    new = json_patch(old, patch)
                except JsonPatchError as e:
                    raise ApiError(422, "Invalid", "the server rejected our request due to an "
                                   "error in our request: %s" % e, {"name": name, "kind": "pods"})
            else:
                if not isinstance(patch, dict):
                    raise err_bad_request("merge patch must be a JSON object")
                new = merge_patch(old, patch)
            if not isinstance(new, dict):
                raise err_bad_request("patched object is not a JSON object")
            # a patch that sets metadata.resourceVersion gets an optimistic-concurrency check
            return self._store_update(ns, name, old, new, True, allow_status)[0]

    def delete(self, ns, name, options):
        with self.cond:
            self.last_delete_options = copy.deepcopy(options)
            old = self.pods.get((ns, name))
            if old is None:
                raise err_pod_not_found(name)
            pre = options.get("preconditions") or {}
            if pre.get("uid") and pre["uid"] != old["metadata"]["uid"]:
                raise err_conflict(name, "Precondition failed: UID in precondition: %s, UID in "
                                         "object meta: %s" % (pre["uid"], old["metadata"]["uid"]))
            if pre.get("resourceVersion") and pre["resourceVersion"] != old["metadata"]["resourceVersion"]:
                raise err_conflict(name, "Precondition failed: ResourceVersion in precondition: "
                                         "%s, ResourceVersion in object meta: %s"
                                   % (pre["resourceVersion"], old["metadata"]["resourceVersion"]))
            obj = copy.deepcopy(old)
            md = obj["metadata"]
            md["deletionTimestamp"] = now_rfc3339()
            grace = options.get("gracePeriodSeconds")
            md["deletionGracePeriodSeconds"] = 30 if grace is None else grace
            md["resourceVersion"] = self._bump()
            del self.pods[(ns, name)]
            self._emit("DELETED", obj)
            return copy.deepcopy(obj)

    def compact(self):
        with self.cond:
            self.compact_rv = self.rv
            return self.rv

    def reset(self):
        with self.cond:
            self.pods.clear()
            self.history = []
            self.history_rvs = []
            self.compact_rv = self.rv
            self.last_delete_options = None
            self.cond.notify_all()


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.status = []        # dicts: status, count, retry_after, path_prefix, method, ...
        self.delays = []        # dicts: delay_ms, count, path_prefix, method
        self.drops = []         # dicts: count, path_prefix, method
        self.close_watch_after = None
        self.drop_stream_after_bytes = None

    @staticmethod
    def _matches(rule, method, path):
        if rule.get("method") and rule["method"].upper() != method:
            return False
        return path.startswith(rule.get("path_prefix") or "/")

    def _take(self, rules, method, path):
        with self.lock:
            for r in rules:
                if r["count"] != 0 and self._matches(r, method, path):
                    if r["count"] > 0:
                        r["count"] -= 1
                    rules[:] = [x for x in rules if x["count"] != 0]
                    return dict(r)
        return None

    def take_status(self, method, path):
        return self._take(self.status, method, path)

    def take_delay(self, method, path):
        return self._take(self.delays, method, path)

    def take_drop(self, method, path):
        return self._take(self.drops, method, path)

    def take_close_watch(self):
        with self.lock:
            n, self.close_watch_after = self.close_watch_after, None
            return n

    def take_drop_stream(self):
        with self.lock:
            n, self.drop_stream_after_bytes = self.drop_stream_after_bytes, None
            return n

    def add(self, spec):
        if not isinstance(spec, dict):
            raise err_bad_request("fault spec must be a JSON object")
        base = {"count": int(spec.get("count", 1)),
                "path_prefix": spec.get("path_prefix") or "/",
                "method": spec.get("method")}
        added = []
        with self.lock:
            if "status" in spec:
                r = dict(base, status=int(spec["status"]))
                for k in ("retry_after", "reason", "message"):
                    if spec.get(k) is not None:
                        r[k] = spec[k]
                self.status.append(r)
                added.append("status")
            if "delay_ms" in spec:
                self.delays.append(dict(base, delay_ms=int(spec["delay_ms"])))
                added.append("delay_ms")
            if spec.get("drop_connection"):
                self.drops.append(dict(base, after_handling=bool(spec.get("after_handling"))))
                added.append("drop_connection")
            if "close_watch_after" in spec:
                self.close_watch_after = int(spec["close_watch_after"])
                added.append("close_watch_after")
            if "drop_stream_after_bytes" in spec:
                self.drop_stream_after_bytes = max(0, int(spec["drop_stream_after_bytes"]))
                added.append("drop_stream_after_bytes")
        if not added:
            raise err_bad_request("fault spec needs one of status, delay_ms, drop_connection, "
                                  "close_watch_after, drop_stream_after_bytes")
        return added

    def clear(self):
        with self.lock:
            self.status, self.delays, self.drops = [], [], []
            self.close_watch_after = None
            self.drop_stream_after_bytes = None

    def snapshot(self):
        with self.lock:
            return {"status": copy.deepcopy(self.status), "delays": copy.deepcopy(self.delays),
                    "drops": copy.deepcopy(self.drops),
                    "close_watch_after": self.close_watch_after,
                    "drop_stream_after_bytes": self.drop_stream_after_bytes}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, rec):
        with self.lock:
            self.items.append(rec)

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.items)

    def clear(self):
        with self.lock:
            self.items = []


STORE = Store()
FAULTS = Faults()
REQUESTS = Recorder()
CONN_IDS = itertools.count(1)
CONN_LOCK = threading.Lock()
OPEN_CONNS = {}          # conn_id -> ssl socket
TLS = threading.local()  # per-connection info (one thread per connection)
DIR = "."


# --------------------------------------------------------------------------
# WebSocket streams: exec / attach / portforward
# --------------------------------------------------------------------------
#
# One thread per connection already; after the 101 the handler thread runs a
# poll() loop over the (non-blocking) TLS socket and the local endpoints: the
# child's pipes or pty master (exec/attach) or TCP sockets to 127.0.0.1:PORT
# (portforward).  A single thread does all TLS reads and writes, so OpenSSL is
# never used from two threads at once.  Backpressure: the local endpoints are
# only read while less than OUT_HIGH bytes wait for the client, and the client
# is only read while the local sinks hold less than SINK_HIGH bytes.

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
STREAM_SUBRESOURCES = ("exec", "attach", "portforward")
# exec/attach, best first.  v1-v3 and "no subprotocol" use a plain-text error channel.
EXEC_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io",
                  "v2.channel.k8s.io", "channel.k8s.io")
PORTFORWARD_PROTOCOLS = ("v4.channel.k8s.io",)
WS_READ_CHUNK = 256 * 1024
WS_MAX_MESSAGE = 64 * 1024 * 1024
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
TTY_FIRST_RESIZE_WAIT = 0.3      # s to wait for the first resize before a tty child starts
CLOSE_WAIT = 2.0                 # s to wait for the client's close frame after ours
KILL_GRACE = 1.0                 # s between SIGTERM and SIGKILL

CHILDREN_LOCK = threading.Lock()
CHILDREN = set()                 # live Popen objects (killed when the server stops)


def ws_accept(key):
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def ws_unmask(mask, data):
    """XOR the whole payload with the repeated 4-byte key in one big-int operation."""
    n = len(data)
    if n == 0:
        return b""
    key = (mask * ((n >> 2) + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")


def ws_header(opcode, n):
    b0 = 0x80 | opcode
    if n < 126:
        return bytes((b0, n))
    if n < 65536:
        return struct.pack("!BBH", b0, 126, n)
    return struct.pack("!BBQ", b0, 127, n)


def go_json(obj):
    """Like Go's json.Marshal: compact, UTF-8, HTML characters escaped, no newline."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def query_bool(values):
    """apimachinery's query conversion: absent, "false" and "0" are false, anything else true."""
    if not values:
        return False
    return values[-1].lower() not in ("false", "0")


def kill_child(proc, grace=KILL_GRACE):
    """SIGTERM the child's process group, SIGKILL after `grace` seconds, reap it."""
    if proc.poll() is None:
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
    with CHILDREN_LOCK:
        CHILDREN.discard(proc)


def kill_all_children():
    with CHILDREN_LOCK:
        procs = list(CHILDREN)
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                p.wait(2)
            except subprocess.TimeoutExpired:
                pass


class ChunkQueue:
    """FIFO of byte chunks; avoids memmove of big buffers on partial writes."""

    def __init__(self):
        self.chunks = collections.deque()
        self.off = 0
        self.size = 0

    def __len__(self):
        return self.size

    def append(self, data):
        if data:
            self.chunks.append(data)
            self.size += len(data)

    def head(self, limit):
        c = self.chunks[0]
        return memoryview(c)[self.off:self.off + limit]

    def consume(self, n):
        self.size -= n
        while n:
            c = self.chunks[0]
            left = len(c) - self.off
            if n < left:
                self.off += n
                return
            n -= left
            self.chunks.popleft()
            self.off = 0

    def clear(self):
        self.chunks.clear()
        self.off = 0
        self.size = 0


class WsSession:
    """Server side of an RFC 6455 connection after the 101 (subclassed per subresource)."""

    OUT_HIGH = 1 << 20        # stop reading local sources above this much queued output
    SINK_HIGH = 4 << 20       # stop reading the client above this much queued for a sink

    def __init__(self, sock, leftover, drop_after, rec):
        self.sock = sock
        self.inbuf = bytearray(leftover)
        self.out = ChunkQueue()
        self.drop_budget = drop_after        # payload bytes still allowed before the cut
        self.drop_now = drop_after is not None and drop_after <= 0
        self.frag = None                     # list of parts of a fragmented message
        self.close_sent = False
        self.close_received = False
        self.close_deadline = None
        self.peer_gone = False
        self.rec = rec
        self.info = {}
        if rec is not None:
            rec["stream"] = self.info

    # ---- output ----------------------------------------------------------

    def send_frame(self, opcode, payload):
        if self.drop_now or self.close_sent or self.peer_gone:
            return
        payload = bytes(payload)
        hdr = ws_header(opcode, len(payload))
        if self.drop_budget is not None:
            if len(payload) >= self.drop_budget:
                payload = payload[:self.drop_budget]
                self.drop_now = True      # flush what we have, then cut the TCP connection
            self.drop_budget -= len(payload)
        self.out.append(hdr + payload)

    def send_channel(self, ch, data):
        self.send_frame(OP_BINARY, bytes((ch,)) + data)

    def send_close(self, code=1000, reason=b""):
        if self.close_sent:
            return
        self.send_frame(OP_CLOSE, struct.pack("!H", code) + reason if code is not None else b"")
        self.close_sent = True
        self.close_deadline = time.monotonic() + CLOSE_WAIT

    def _write_some(self):
        try:
            while self.out:
                chunk = self.out.head(WS_READ_CHUNK)
                n = self.sock.send(chunk)
                if n <= 0:
                    return
                self.out.consume(n)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError, InterruptedError):
            return
        except OSError:
            self.peer_gone = True

    # ---- input -----------------------------------------------------------

    def _read_client(self):
        got = 0
        while got < 4 * WS_READ_CHUNK:
            try:
                data = self.sock.recv(WS_READ_CHUNK)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError, InterruptedError):
                break
            except OSError:
                self.peer_gone = True
                break
            if not data:
                self.peer_gone = True
                break
            self.inbuf += data
            got += len(data)
        self._parse()

    def _fail(self, code):
        self.info["protocolError"] = code
        self.send_close(code)
        self.close_received = True       # do not wait for anything else from this client
        self.on_client_gone()

    def _parse(self):
        buf = self.inbuf
        pos = 0
        while not (self.close_received or self.peer_gone):
            avail = len(buf) - pos
            if avail < 2:
                break
            b0, b1 = buf[pos], buf[pos + 1]
            n = b1 & 0x7F
            hl = 2
            if n == 126:
                if avail < 4:
                    break
                n = int.from_bytes(buf[pos + 2:pos + 4], "big")
                hl = 4
            elif n == 127:
                if avail < 10:
                    break
                n = int.from_bytes(buf[pos + 2:pos + 10], "big")
                hl = 10
            opcode = b0 & 0x0F
            if b0 & 0x70 or not b1 & 0x80:     # RSV bits set, or an unmasked client frame
                return self._fail(1002)
            if n > WS_MAX_MESSAGE:
                return self._fail(1009)
            if opcode >= 0x8 and (n > 125 or not b0 & 0x80):
                return self._fail(1002)
            hl += 4
            if avail < hl + n:
                break
            mask = bytes(buf[pos + hl - 4:pos + hl])
            payload = ws_unmask(mask, buf[pos + hl:pos + hl + n])
            pos += hl + n
            self._on_frame(bool(b0 & 0x80), opcode, payload)
        del buf[:pos]

    def _on_frame(self, fin, opcode, payload):
        if opcode == OP_CLOSE:
            self.close_received = True
            if not self.close_sent:
                self.send_close(int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None)
            self.on_client_gone()
        elif opcode == OP_PING:
            self.send_frame(OP_PONG, payload)
        elif opcode == OP_PONG:
            pass
        elif opcode in (OP_TEXT, OP_BINARY):
            if self.frag is not None:
                return self._fail(1002)
            if fin:
                self._message(payload)
            else:
                self.frag = [payload]
                self.frag_size = len(payload)
        elif opcode == OP_CONT:
            if self.frag is None:
                return self._fail(1002)
            self.frag.append(payload)
            self.frag_size += len(payload)
            if self.frag_size > WS_MAX_MESSAGE:
                return self._fail(1009)
            if fin:
                msg, self.frag = b"".join(self.frag), None
                self._message(msg)
        else:
            return self._fail(1002)

    def _message(self, payload):
        if self.close_sent or not payload:
            return                      # after our close: discard data
        self.on_message(payload[0], payload[1:])

    # ---- hooks -----------------------------------------------------------

    def start(self):
        pass

    def on_message(self, ch, data):
        pass

    def on_client_gone(self):
        pass

    def want_client_input(self):
        return True

    def endpoints(self):
        """[(fd, read_cb or None, write_cb or None, gated)]; gated readers pause when the
        client is slow."""
        return []

    def tick(self):
        pass

    def next_timeout(self):
        return None

    def cleanup(self):
        pass

    # ---- loop ------------------------------------------------------------

    def run(self):
        try:
            self.sock.setblocking(False)
            self.start()
            self._parse()
            while True:
                self.tick()
                if self.peer_gone:
                    self.info.setdefault("end", "closed" if self.close_sent
                                         else "client disconnected")
                    break
                if self.drop_now and not self.out:
                    self.info["end"] = "dropped (fault)"
                    try:
                        self.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    break
                now = time.monotonic()
                if self.close_sent and not self.out and (
                        self.close_received or now >= self.close_deadline):
                    self.info.setdefault("end", "closed")
                    break
                if self.close_sent and self.out and now >= self.close_deadline + 10:
                    self.info.setdefault("end", "client stopped reading")
                    break
                want_read = not self.close_received and (
                    self.close_sent or self.drop_now or self.want_client_input())
                ev = select.POLLRDHUP if hasattr(select, "POLLRDHUP") else 0
                if want_read:
                    ev |= select.POLLIN
                if self.out:
                    ev |= select.POLLOUT
                fds = {self.sock.fileno(): [ev, None, None]}
                gate_open = len(self.out) < self.OUT_HIGH and not (self.close_sent or self.drop_now)
                for fd, rcb, wcb, gated in self.endpoints():
                    if rcb is not None and (gate_open or not gated):
                        e = fds.setdefault(fd, [0, None, None])
                        e[0] |= select.POLLIN
                        e[1] = rcb
                    if wcb is not None:
                        e = fds.setdefault(fd, [0, None, None])
                        e[0] |= select.POLLOUT
                        e[2] = wcb
                poller = select.poll()
                for fd, (mask, _, _) in fds.items():
                    poller.register(fd, mask)
                timeout = self.next_timeout()
                if self.close_sent:
                    left = max(0.0, self.close_deadline - now)
                    timeout = left if timeout is None else min(timeout, left)
                if want_read and self.sock.pending():
                    timeout = 0
                events = poller.poll(None if timeout is None else int(timeout * 1000) + 1
                                     if timeout > 0 else 0)
                sock_fd = self.sock.fileno()
                if want_read and self.sock.pending() and not any(fd == sock_fd for fd, _ in events):
                    events.append((sock_fd, select.POLLIN))
                for fd, got in events:
                    if fd == sock_fd:
                        if got & select.POLLOUT or (got & (select.POLLERR | select.POLLHUP)
                                                     and self.out):
                            self._write_some()
                        if got & (select.POLLIN | select.POLLHUP | select.POLLERR) or (
                                got & ev & ~select.POLLIN & ~select.POLLOUT):
                            self._read_client()
                        continue
                    _, rcb, wcb = fds[fd]
                    if wcb is not None and got & (select.POLLOUT | select.POLLERR | select.POLLHUP):
                        wcb()
                    if rcb is not None and got & (select.POLLIN | select.POLLERR | select.POLLHUP):
                        rcb()
                if self.out and not self.peer_gone:
                    self._write_some()     # opportunistic: usually succeeds at once
        finally:
            self.cleanup()
            try:
                self.sock.setblocking(True)
            except OSError:
                pass


class ExecSession(WsSession):
    """exec/attach: a local child process on pipes, or on a pty with tty=true."""

    def __init__(self, sock, leftover, drop_after, rec, argv, protocol, stdin, stdout, stderr,
                 tty):
        super().__init__(sock, leftover, drop_after, rec)
        self.argv = argv
        self.protocol = protocol
        self.want_stdin, self.want_stdout, self.want_stderr, self.tty = stdin, stdout, stderr, tty
        self.proc = None
        self.pidfd = None
        self.master = None
        self.outs = {}               # fd -> channel (0 = discard)
        self.out_files = {}          # fd -> pipe file object (non-tty)
        self.stdin_fd = None
        self.stdin_q = ChunkQueue()
        self.stdin_eof = False
        self.size = None             # (width, height) from channel 4
        self.spawn_deadline = None
        self.exit_code = None
        self.finished = False

    # --- status on channel 3 ---

    def _finish(self, status):
        if self.finished:
            return
        self.finished = True
        if self.protocol in ("v4.channel.k8s.io", "v5.channel.k8s.io"):
            self.send_channel(3, go_json(status))
        elif status["status"] != "Success":
            self.send_channel(3, status["message"].encode())
        self.send_close(1000)

    def _exit_status(self, code):
        self.exit_code = code
        self.info["exitCode"] = code
        if code == 0:
            return {"metadata": {}, "status": "Success"}
        return {"metadata": {}, "status": "Failure",
                "message": "command terminated with non-zero exit code: command terminated "
                           "with exit code %d" % code,
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}

    def _start_error(self, e):
        arg0 = self.argv[0]
        if isinstance(e, FileNotFoundError):
            why = ('exec: "%s": stat %s: no such file or directory' % (arg0, arg0) if "/" in arg0
                   else 'exec: "%s": executable file not found in $PATH' % arg0)
        elif isinstance(e, PermissionError):
            why = 'exec: "%s": permission denied' % arg0
        else:
            why = 'exec: "%s": %s' % (arg0, (e.strerror or str(e)).lower())
        inner = ('error executing command in container: failed to exec in container: failed to '
                 'start exec "%s": OCI runtime exec failed: exec failed: unable to start '
                 'container process: %s: unknown' % (uuid.uuid4().hex + uuid.uuid4().hex, why))
        self.info["startError"] = why
        return {"metadata": {}, "status": "Failure",
                "message": "Internal error occurred: " + inner, "reason": "InternalError",
                "details": {"causes": [{"message": inner}]}, "code": 500}

    # --- child ---

    def _apply_size(self):
        if self.master is not None and self.size:
            w, h = self.size
            try:
                fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", h, w, 0, 0))
            except OSError:
                pass

    def _spawn(self):
        self.spawn_deadline = None
        slave = None
        try:
            if self.tty:
                self.master, slave = pty.openpty()
                self._apply_size()
                env = dict(os.environ, TERM="xterm")
                self.proc = subprocess.Popen(
                    self.argv, stdin=slave, stdout=slave, stderr=slave, cwd=DIR, env=env,
                    start_new_session=True, preexec_fn=_set_controlling_tty)
                os.close(slave)
                slave = None
                os.set_blocking(self.master, False)
                self.outs[self.master] = 1 if self.want_stdout else 0
                self.stdin_fd = self.master if self.want_stdin else None
            else:
                p = subprocess.PIPE
                self.proc = subprocess.Popen(
                    self.argv, stdin=p if self.want_stdin else subprocess.DEVNULL,
                    stdout=p if self.want_stdout else subprocess.DEVNULL,
                    stderr=p if self.want_stderr else subprocess.DEVNULL,
                    cwd=DIR, start_new_session=True, bufsize=0)
                for f, ch in ((self.proc.stdout, 1), (self.proc.stderr, 2)):
                    if f is not None:
                        os.set_blocking(f.fileno(), False)
                        self.outs[f.fileno()] = ch
                        self.out_files[f.fileno()] = f
                if self.proc.stdin is not None:
                    self.stdin_fd = self.proc.stdin.fileno()
                    os.set_blocking(self.stdin_fd, False)
        except OSError as e:
            for fd in (slave, self.master):
                if fd is not None:
                    os.close(fd)
            self.master = None
            self.proc = None
            self._finish(self._start_error(e))
            return
        with CHILDREN_LOCK:
            CHILDREN.add(self.proc)
        self.info["pid"] = self.proc.pid
        try:
            self.pidfd = os.pidfd_open(self.proc.pid)
        except (AttributeError, OSError):
            self.pidfd = None
        self._pump_stdin()

    def _close_out(self, fd):
        self.outs.pop(fd, None)
        if fd == self.master:
            if self.stdin_fd is None:
                self._close_master()
        else:
            f = self.out_files.pop(fd, None)
            if f is not None:
                f.close()

    def _close_master(self):
        if self.master is not None:
            os.close(self.master)
            self.outs.pop(self.master, None)
            if self.stdin_fd == self.master:
                self.stdin_fd = None
            self.master = None

    def _read_out(self, fd):
        try:
            data = os.read(fd, WS_READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:          # EIO on the pty master once the slave side is closed
            data = b""
        if not data:
            return self._close_out(fd)
        ch = self.outs.get(fd, 0)
        if ch:
            self.send_channel(ch, data)

    def _close_stdin(self):
        if self.stdin_fd is None:
            return
        if self.stdin_fd == self.master:
            self.stdin_fd = None         # a tty has no separate stdin: send ^D instead
            try:
                os.write(self.master, b"\x04")
            except OSError:
                pass
            if self.master not in self.outs:
                self._close_master()
        else:
            self.stdin_fd = None
            try:
                self.proc.stdin.close()
            except OSError:
                pass

    def _pump_stdin(self):
        while self.stdin_fd is not None and self.stdin_q:
            try:
                n = os.write(self.stdin_fd, self.stdin_q.head(WS_READ_CHUNK))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:          # EPIPE: the child closed its stdin
                self.stdin_q.clear()
                self._close_stdin()
                return
            self.stdin_q.consume(n)
        if self.stdin_eof and not self.stdin_q:
            self._close_stdin()

    def _reap(self):
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        rc = self.proc.wait()
        with CHILDREN_LOCK:
            CHILDREN.discard(self.proc)
        self.exit_rc = 128 - rc if rc < 0 else rc

    # --- hooks ---

    def start(self):
        self.info["protocol"] = self.protocol
        self.info["argv"] = self.argv
        # an empty frame on the lowest writable channel says "connected"
        first = 1 if self.want_stdout else (2 if self.want_stderr and not self.tty else 3)
        self.send_channel(first, b"")
        if self.tty:
            self.spawn_deadline = time.monotonic() + TTY_FIRST_RESIZE_WAIT
        else:
            self._spawn()

    def on_message(self, ch, data):
        if ch == 0:
            if self.want_stdin and not self.stdin_eof:
                self.stdin_q.append(data)
                self._pump_stdin()
        elif ch == 4:
            try:
                msg = json.loads(data)
                size = (int(msg.get("Width", 0)), int(msg.get("Height", 0)))
            except (ValueError, TypeError, AttributeError):
                return
            self.size = size
            self.info["lastResize"] = list(size)
            self._apply_size()
            if self.spawn_deadline is not None:
                self._spawn()
        elif ch == 255 and self.protocol == "v5.channel.k8s.io":
            if data[:1] == b"\x00" and self.want_stdin:
                self.stdin_eof = True
                self.info["stdinClosed"] = True
                self._pump_stdin()

    def want_client_input(self):
        return len(self.stdin_q) < self.SINK_HIGH

    def endpoints(self):
        eps = []
        for fd in list(self.outs):
            eps.append((fd, lambda fd=fd: self._read_out(fd),
                        self._pump_stdin if fd == self.stdin_fd and self.stdin_q else None, True))
        if self.stdin_fd is not None and self.stdin_q and self.stdin_fd not in self.outs:
            eps.append((self.stdin_fd, None, self._pump_stdin, False))
        if self.pidfd is not None:
            eps.append((self.pidfd, self._reap, None, False))
        return eps

    def next_timeout(self):
        if self.spawn_deadline is not None:
            return max(0.0, self.spawn_deadline - time.monotonic())
        if self.proc is not None and self.pidfd is None and not hasattr(self, "exit_rc"):
            return 0.05
        return None

    def tick(self):
        if self.spawn_deadline is not None and time.monotonic() >= self.spawn_deadline:
            self._spawn()
        if self.proc is None or self.finished:
            return
        if self.pidfd is None and not hasattr(self, "exit_rc") and self.proc.poll() is not None:
            self._reap()
        if hasattr(self, "exit_rc") and not self.outs:
            self.stdin_q.clear()
            self._close_stdin()
            self._close_master()
            self._finish(self._exit_status(self.exit_rc))

    def cleanup(self):
        if self.proc is not None and self.proc.returncode is None:
            kill_child(self.proc)
            self.info["killed"] = True
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        if self.proc is not None:
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass
        if self.master is not None:
            os.close(self.master)
            self.master = None


def _set_controlling_tty():
    # runs in the child after setsid(): make the pty slave (now fd 0) the controlling tty
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PortForwardSession(WsSession):
    """portforward: port i <-> TCP 127.0.0.1:PORT; data channel 2i, error channel 2i+1."""

    def __init__(self, sock, leftover, drop_after, rec, ports, pod):
        super().__init__(sock, leftover, drop_after, rec)
        self.ports = ports
        self.pod = pod
        self.conns = []            # per port: dict(sock, q, done)

    def start(self):
        self.info["ports"] = self.ports
        for i, port in enumerate(self.ports):
            pb = struct.pack("<H", port)
            self.send_channel(2 * i, pb)
            self.send_channel(2 * i + 1, pb)
        md = self.pod.get("metadata") or {}
        netns = "/var/run/netns/cni-" + str(uuid.uuid5(uuid.NAMESPACE_URL, md.get("uid") or ""))
        for i, port in enumerate(self.ports):
            c = {"sock": None, "q": ChunkQueue(), "done": False}
            self.conns.append(c)
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError as e:
                if isinstance(e, ConnectionRefusedError):
                    why = "connect: connection refused"
                elif isinstance(e, socket.timeout):
                    why = "i/o timeout"
                else:
                    why = "connect: " + (e.strerror or str(e)).lower()
                msg = ('error forwarding port %d to pod %s, uid : failed to connect to '
                       'localhost:%d inside namespace "%s", IPv4: dial tcp4 127.0.0.1:%d: %s '
                       'IPv6 dial tcp6: address localhost: no suitable address '
                       % (port, md.get("name", ""), port, netns, port, why))
                self.send_channel(2 * i + 1, msg.encode())
                self.info.setdefault("errors", []).append(msg)
                c["done"] = True
                continue
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c["sock"] = s

    def _finish_port(self, c):
        c["done"] = True
        c["q"].clear()
        if c["sock"] is not None:
            try:
                c["sock"].close()
            except OSError:
                pass
            c["sock"] = None

    def _read_port(self, i):
        c = self.conns[i]
        try:
            data = c["sock"].recv(WS_READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            return self._finish_port(c)
        self.send_channel(2 * i, data)

    def _write_port(self, i):
        c = self.conns[i]
        q = c["q"]
        try:
            while q:
                n = c["sock"].send(q.head(WS_READ_CHUNK))
                q.consume(n)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._finish_port(c)

    def on_message(self, ch, data):
        i = ch // 2
        if ch % 2 == 0 and i < len(self.conns) and not self.conns[i]["done"] and data:
            self.conns[i]["q"].append(data)
            self._write_port(i)

    def want_client_input(self):
        return all(len(c["q"]) < self.SINK_HIGH for c in self.conns)

    def endpoints(self):
        eps = []
        for i, c in enumerate(self.conns):
            if c["sock"] is not None:
                eps.append((c["sock"].fileno(), lambda i=i: self._read_port(i),
                            (lambda i=i: self._write_port(i)) if c["q"] else None, True))
        return eps

    def tick(self):
        if not self.close_sent and all(c["done"] for c in self.conns):
            self.send_close(1000)

    def cleanup(self):
        for c in self.conns:
            self._finish_port(c)


# --------------------------------------------------------------------------
# Auth helpers
# --------------------------------------------------------------------------

def read_lines(name):
    try:
        with open(os.path.join(DIR, name), encoding="utf-8") as f:
            return [l.strip() for l in f.read().splitlines()
                    if l.strip() and not l.strip().startswith("#")]
    except FileNotFoundError:
        return []


def lookup_token(token):
    for line in read_lines("tokens"):
        parts = line.split(",", 2)
        if len(parts) >= 2 and parts[0] == token:
            groups = [g for g in parts[2].split(";") if g] if len(parts) == 3 else []
            return parts[1], groups
    return None


def lookup_basic(user, password):
    for line in read_lines("basic"):
        u, sep, p = line.partition(":")
        if sep and u == user and p == password:
            return True
    return False


def cert_identity(peercert):
    cn, orgs = None, []
    for rdn in (peercert or {}).get("subject", ()):
        for k, v in rdn:
            if k == "commonName":
                cn = v
            elif k == "organizationName":
                orgs.append(v)
    return cn, orgs


def parse_resource_path(path):
    """Return dict describing a resource request, or None for non-resource paths."""
    segs = [s for s in path.split("/") if s]
    if len(segs) >= 2 and segs[0] == "api":
        group, rest = "", segs[2:]
    elif len(segs) >= 3 and segs[0] == "apis":
        group, rest = segs[1], segs[3:]
    else:
        return None
    if not rest:
        return None
    ns = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        ns, rest = rest[1], rest[2:]
    return {"group": group, "namespace": ns, "resource": rest[0],
            "name": rest[1] if len(rest) > 1 else "",
            "subresource": rest[2] if len(rest) > 2 else ""}


def forbidden(user, verb, path, res):
    if res is None:
        return ApiError(403, "Forbidden", 'forbidden: User "%s" cannot %s path "%s"'
                        % (user, verb, path), {})
    resource = res["resource"] + ("/" + res["subresource"] if res["subresource"] else "")
    if res["namespace"]:
        why = 'User "%s" cannot %s resource "%s" in API group "%s" in the namespace "%s"' % (
            user, verb, resource, res["group"], res["namespace"])
    else:
        why = 'User "%s" cannot %s resource "%s" in API group "%s" at the cluster scope' % (
            user, verb, resource, res["group"])
    qualified = res["resource"] + ("." + res["group"] if res["group"] else "")
    if res["name"]:
        msg = '%s "%s" is forbidden: %s' % (qualified, res["name"], why)
    else:
        msg = "%s is forbidden: %s" % (qualified, why)
    details = {}
    if res["name"]:
        details["name"] = res["name"]
    if res["group"]:
        details["group"] = res["group"]
    details["kind"] = res["resource"]
    return ApiError(403, "Forbidden", msg, details)


VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


# --------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-kube-apiserver/v1.32.5"
    sys_version = ""
    timeout = None

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if VERBOSE:
            log("conn=%s %s" % (getattr(TLS, "conn_id", "?"), fmt % args))

    def handle(self):
        try:
            super().handle()
        except (OSError, ssl.SSLError):
            pass

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    # ---- low level output ------------------------------------------------

    def _common_headers(self):
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")

    def _send_body(self, code, data, ctype, headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if self.rec is not None:
            self.rec["status"] = code

    def _send_json(self, code, obj, headers=None):
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
        self._send_body(code, data, "application/json", headers)

    def _send_error(self, e):
        self._send_json(e.code, e.status(), e.headers)

    def _start_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self._common_headers()
        self.end_headers()
        if self.rec is not None:
            self.rec["status"] = 200

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _abort_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _handle_then_drop(self, method, path):
        """The request takes effect (a create stores its object), then the
        connection closes with no answer: an answer lost on the way back."""
        real, self.wfile = self.wfile, io.BytesIO()
        try:
            self._route(method, path)
        except ApiError:
            pass
        finally:
            self.wfile = real
        self.rec["status"] = "dropped after handling"
        self._abort_connection()

    # ---- input -----------------------------------------------------------

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = b""
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _json_body(self):
        if not self.body:
            raise err_bad_request("the body of the request was empty")
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise err_bad_request("the body of the request was in an unknown format: %s" % e)

    def _q(self, name, default=None):
        v = self.query.get(name)
        return v[-1] if v else default

    # ---- dispatch --------------------------------------------------------

    def _dispatch(self):
        self.rec = None
        self.upgraded = False
        url = urlsplit(self.path)
        path, self.query = url.path or "/", parse_qs(url.query, keep_blank_values=True)
        try:
            self.body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        method = self.command
        try:
            if path == "/debug" or path.startswith("/debug/"):
                return self._debug(method, path)
            headers = {}
            for k, v in self.headers.items():
                k = k.lower()
                if k in headers:
                    if not isinstance(headers[k], list):
                        headers[k] = [headers[k]]
                    headers[k].append(v)
                else:
                    headers[k] = v
            body_rec = None
            if self.body:
                try:
                    body_rec = json.loads(self.body)
                except ValueError:
                    body_rec = self.body.decode("utf-8", "replace")
            query = {k: (v[0] if len(v) == 1 else v) for k, v in self.query.items()}
            self.rec = {"method": method, "path": path, "query": query, "raw_query": url.query,
                        "headers": headers, "body": body_rec, "user": None, "groups": [],
                        "auth_user": None, "client_cn": TLS.client_cn, "conn_id": TLS.conn_id,
                        "time": time.time(), "status": None}
            REQUESTS.add(self.rec)

            d = FAULTS.take_delay(method, path)
            if d:
                time.sleep(d["delay_ms"] / 1000.0)
            drop = FAULTS.take_drop(method, path)
            if drop and not drop.get("after_handling"):
                self.rec["status"] = "dropped"
                return self._abort_connection()
            f = FAULTS.take_status(method, path)
            if f:
                code = f["status"]
                reason, message = FAULT_REASONS.get(code, ("InternalError", "injected fault"))
                details = None
                hdrs = {}
                if f.get("retry_after") is not None:
                    hdrs["Retry-After"] = f["retry_after"]
                    details = {"retryAfterSeconds": int(f["retry_after"])}
                raise ApiError(code, f.get("reason", reason), f.get("message", message),
                               details, hdrs)

            user, groups = self._authenticate()
            self.rec["auth_user"] = user
            user, groups = self._impersonate(user, groups)
            self.rec["user"], self.rec["groups"] = user, groups
            self._authorize(method, path, user)
            if drop:
                return self._handle_then_drop(method, path)
            self._route(method, path)
        except ApiError as e:
            self._send_error(e)
        except (OSError, ssl.SSLError):
            self.close_connection = True
        except Exception as e:  # pragma: no cover - bug in the fake
            traceback.print_exc()
            if self.upgraded:         # after a 101 no HTTP response can be sent
                return self._abort_connection()
            try:
                self._send_error(ApiError(500, "InternalError",
                                          "Internal error occurred: %s" % e))
            except OSError:
                self.close_connection = True

    # ---- authn / authz ---------------------------------------------------

    def _authenticate(self):
        if TLS.client_cn:
            return TLS.client_cn, list(TLS.client_groups)
        auth = self.headers.get("Authorization")
        if auth:
            scheme, _, cred = auth.strip().partition(" ")
            cred = cred.strip()
            if scheme.lower() == "bearer" and cred:
                found = lookup_token(cred)
                if found:
                    return found
            elif scheme.lower() == "basic" and cred:
                try:
                    user, sep, pw = base64.b64decode(cred, validate=True).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    sep = ""
                if sep and lookup_basic(user, pw):
                    return user, []
        raise err_unauthorized()

    def _impersonate(self, user, groups):
        imp_user = self.headers.get("Impersonate-User")
        imp_groups = self.headers.get_all("Impersonate-Group") or []
        imp_uid = self.headers.get("Impersonate-Uid")
        extras = [k for k in self.headers.keys() if k.lower().startswith("impersonate-extra-")]
        if imp_user is None and not imp_groups and imp_uid is None and not extras:
            return user, groups
        if user != "admin":
            if imp_user is not None:
                kind, name, group = "users", imp_user, ""
            elif imp_groups:
                kind, name, group = "groups", imp_groups[0], ""
            elif imp_uid is not None:
                kind, name, group = "uids", imp_uid, "authentication.k8s.io"
            else:
                kind, name, group = "userextras", extras[0][len("impersonate-extra-"):], \
                    "authentication.k8s.io"
            raise forbidden(user, "impersonate", "", {"group": group, "namespace": None,
                                                      "resource": kind, "name": name,
                                                      "subresource": ""})
        if imp_user is None:
            raise ApiError(500, "InternalError", "Internal error occurred: requested "
                           "impersonation of groups/uid/extra without impersonating a user")
        self.rec["impersonated"] = {"user": imp_user, "groups": imp_groups, "uid": imp_uid}
        return imp_user, list(imp_groups)

    def _authorize(self, method, path, user):
        res = parse_resource_path(path)
        if (user == "viewer" and res and res["resource"] == "pods" and res["name"]
                and res["subresource"] in STREAM_SUBRESOURCES):
            # exec/attach/portforward: a WebSocket GET is verb "get", a POST is "create"
            # (the fake viewer may do neither)
            raise forbidden(user, VERBS.get(method, method.lower()), path, res)
        if user == "viewer" and method not in ("GET", "HEAD"):
            verb = VERBS.get(method, method.lower())
            raise forbidden(user, verb if parse_resource_path(path) else method.lower(),
                            path, parse_resource_path(path))

    # ---- routes ----------------------------------------------------------

    def _route(self, method, path):
        segs = [s for s in path.split("/") if s]
        if method not in ("GET", "HEAD") and segs[:2] != ["api", "v1"]:
            if segs and segs[0] in ("version", "api", "apis", "healthz", "livez", "readyz"):
                raise err_method_not_allowed()
            raise err_not_found_path()
        if segs == ["version"]:
            return self._send_json(200, VERSION_INFO)
        if len(segs) == 1 and segs[0] in ("healthz", "livez", "readyz"):
            return self._send_body(200, b"ok", "text/plain; charset=utf-8")
        if segs == ["api"]:
            host, port = self.server.server_address[:2]
            return self._send_json(200, {
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                "serverAddress": "%s:%d" % (host, port)}]})
        if segs == ["apis"]:
            return self._send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
        if segs[:2] != ["api", "v1"]:
            raise err_not_found_path()
        rest = segs[2:]
        if not rest:
            if method != "GET":
                raise err_method_not_allowed()
            return self._send_json(200, API_V1_RESOURCES)
        if rest == ["pods"]:
            if method != "GET":
                raise err_method_not_allowed()
            return self._list_or_watch(None)
        if rest[0] != "namespaces":
            raise err_not_found_path()
        if len(rest) == 1:
            if method != "GET":
                raise err_method_not_allowed()
            return self._list_namespaces()
        ns = rest[1]
        if len(rest) == 2:
            if method != "GET":
                raise err_method_not_allowed()
            if ns not in STORE.namespaces():
                raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns,
                               {"name": ns, "kind": "namespaces"})
            return self._send_json(200, namespace_obj(ns))
        if rest[2] != "pods" or len(rest) > 5 or (
                len(rest) == 5 and rest[4] not in STREAM_SUBRESOURCES):
            raise err_not_found_path()
        if len(rest) == 5:
            return self._stream(method, ns, rest[3], rest[4])
        if len(rest) == 3:
            if method == "GET":
                return self._list_or_watch(ns)
            if method == "POST":
                return self._send_json(201, STORE.create(ns, self._json_body()))
            raise err_method_not_allowed()
        name = rest[3]
        if method == "GET":
            return self._send_json(200, STORE.get(ns, name))
        if method == "PUT":
            return self._send_json(200, STORE.update(ns, name, self._json_body()))
        if method == "PATCH":
            ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if ctype not in ("application/merge-patch+json", "application/strategic-merge-patch+json",
                             "application/json-patch+json"):
                raise ApiError(415, "UnsupportedMediaType",
                               'the body of the request was in an unknown format - accepted '
                               'media types include: application/json-patch+json, '
                               'application/merge-patch+json, application/strategic-merge-patch+json',
                               {})
            return self._send_json(200, STORE.patch(ns, name, ctype, self._json_body()))
        if method == "DELETE":
            opts = {}
            if self.body:
                opts = self._json_body()
                if not isinstance(opts, dict):
                    raise err_bad_request("DeleteOptions must be a JSON object")
            if self._q("gracePeriodSeconds") is not None:
                try:
                    opts["gracePeriodSeconds"] = int(self._q("gracePeriodSeconds"))
                except ValueError:
                    raise err_bad_request("invalid gracePeriodSeconds")
            if self._q("propagationPolicy") is not None:
                opts["propagationPolicy"] = self._q("propagationPolicy")
            pp = opts.get("propagationPolicy")
            if pp is not None and pp not in ("Orphan", "Background", "Foreground"):
                raise ApiError(422, "Invalid", 'DeleteOptions.meta.k8s.io "" is invalid: '
                               'propagationPolicy: Unsupported value: "%s"' % pp)
            return self._send_json(200, STORE.delete(ns, name, opts))
        raise err_method_not_allowed()

    def _list_namespaces(self):
        items = [namespace_obj(n) for n in STORE.namespaces()]
        for i in items:
            i.pop("kind")
            i.pop("apiVersion")
        self._send_json(200, {"kind": "NamespaceList", "apiVersion": "v1",
                              "metadata": {"resourceVersion": str(STORE.rv)}, "items": items})

    def _list_or_watch(self, ns):
        match = make_matcher(self._q("labelSelector"), self._q("fieldSelector"))
        if self._q("watch", "").lower() in ("1", "true"):
            return self._watch(ns, match)
        items, rv = STORE.list(ns, match)
        start_after = None
        cont = self._q("continue")
        list_rv = rv
        if cont:
            try:
                tok = json.loads(base64.urlsafe_b64decode(cont.encode() + b"==="))
                list_rv, start_after = int(tok["rv"]), tuple(tok["start"])
            except (ValueError, KeyError, TypeError):
                raise err_bad_request("continue key is not valid: illegal base64 data")
            if list_rv < STORE.compact_rv:
                raise ApiError(410, "Expired",
                               "The provided continue parameter is too old to display a "
                               "consistent list result. You can start a new list without the "
                               "continue parameter, or use the continue token in this response "
                               "to retrieve the remainder of the results. Continuing with the "
                               "provided token results in an inconsistent list - objects that "
                               "were created, modified, or deleted between the time the first "
                               "chunk was returned and now may show up in the list.")
            items = [i for i in items
                     if (i["metadata"]["namespace"], i["metadata"]["name"]) > start_after]
        meta = {"resourceVersion": str(list_rv)}
        limit = self._q("limit")
        if limit:
            try:
                limit = int(limit)
            except ValueError:
                raise err_bad_request("invalid limit")
            if 0 < limit < len(items):
                remaining = len(items) - limit
                items = items[:limit]
                last = items[-1]["metadata"]
                tok = json.dumps({"rv": list_rv, "start": [last["namespace"], last["name"]]})
                meta["continue"] = base64.urlsafe_b64encode(tok.encode()).decode().rstrip("=")
                meta["remainingItemCount"] = remaining
        for i in items:           # like the real apiserver: items carry no kind/apiVersion
            i.pop("kind", None)
            i.pop("apiVersion", None)
        self._send_json(200, {"kind": "PodList", "apiVersion": "v1", "metadata": meta,
                              "items": items})

    def _watch(self, ns, match):
        rv_param = self._q("resourceVersion")
        bookmarks = self._q("allowWatchBookmarks", "").lower() in ("1", "true")
        timeout = self._q("timeoutSeconds")
        try:
            deadline = time.monotonic() + int(timeout) if timeout else None
        except ValueError:
            raise err_bad_request("invalid timeoutSeconds")
        initial = []
        expired = None
        with STORE.cond:
            if rv_param in (None, "", "0"):
                initial = [("ADDED", copy.deepcopy(o)) for (pns, _), o in sorted(STORE.pods.items())
                           if (ns is None or pns == ns) and match(o)]
                last_rv = STORE.rv
            else:
                try:
                    last_rv = int(rv_param)
                except ValueError:
                    raise err_bad_request('invalid resource version "%s"' % rv_param)
                if last_rv < STORE.compact_rv:
                    expired = status_obj(410, "Expired", "too old resource version: %d (%d)"
                                         % (last_rv, STORE.compact_rv))
        cut_after = FAULTS.take_close_watch()
        self.close_connection = False
        self._start_chunked()
        if expired is not None:
            self._chunk(json.dumps({"type": "ERROR", "object": expired},
                                   separators=(",", ":")).encode() + b"\n")
            return self._end_chunked()

        sent = 0
        if cut_after is not None and cut_after <= 0:
            return self._abort_connection()

        def send(etype, obj):
            nonlocal sent
            self._chunk(json.dumps({"type": etype, "object": obj},
                                   separators=(",", ":")).encode() + b"\n")
            if etype != "BOOKMARK":
                sent += 1
                if cut_after is not None and sent >= cut_after:
                    return False
            return True

        for etype, obj in initial:
            if not send(etype, obj):
                return self._abort_connection()
        next_bookmark = time.monotonic() + BOOKMARK_INTERVAL
        while True:
            with STORE.cond:
                i = bisect.bisect_right(STORE.history_rvs, last_rv)
                events = STORE.history[i:]
                if not events:
                    now = time.monotonic()
                    wait = 0.5
                    if bookmarks:
                        wait = min(wait, max(0.0, next_bookmark - now))
                    if deadline is not None:
                        wait = min(wait, max(0.0, deadline - now))
                    STORE.cond.wait(wait)
                    i = bisect.bisect_right(STORE.history_rvs, last_rv)
                    events = STORE.history[i:]
                current_rv = STORE.rv
            for erv, etype, obj in events:
                last_rv = erv
                if (ns is None or obj["metadata"].get("namespace") == ns) and match(obj):
                    if not send(etype, copy.deepcopy(obj)):
                        return self._abort_connection()
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return self._end_chunked()
            if bookmarks and now >= next_bookmark:
                send("BOOKMARK", {"kind": "Pod", "apiVersion": "v1",
                                  "metadata": {"resourceVersion": str(max(current_rv, last_rv))}})
                next_bookmark = now + BOOKMARK_INTERVAL
            if not events:
                # client went away? (readable socket during a streaming response = EOF)
                r, _, _ = select.select([self.connection], [], [], 0)
                if r:
                    self.close_connection = True
                    return

    # ---- exec / attach / portforward (WebSocket) -------------------------

    def _stream(self, method, ns, name, sub):
        if method not in ("GET", "POST"):
            raise err_method_not_allowed()
        pod = STORE.get(ns, name)
        spec = pod.get("spec") or {}
        if sub == "portforward":
            raw = self.query.get("ports") or []
            if not raw:
                return self._send_text(400, 'query parameter "port" is required\n')
            ports = []
            for value in raw:
                for p in value.split(","):
                    try:
                        port = int(p.strip())
                    except ValueError:
                        return self._send_text(400, 'unable to parse "%s" as a port: strconv.'
                                               'ParseUint: parsing "%s": invalid syntax\n'
                                               % (value, p))
                    if not 0 < port < 65536:
                        return self._send_text(400, 'port "%s" must be > 0 and < 65536\n' % p)
                    ports.append(port)
            proto = self._ws_check(PORTFORWARD_PROTOCOLS)
            if proto is None:
                return
            drop = self._ws_upgrade(proto)
            return PortForwardSession(self.connection, self._ws_leftover(), drop, self.rec,
                                      ports, pod).run()
        containers = [c for key in ("containers", "initContainers", "ephemeralContainers")
                      for c in (spec.get(key) or []) if isinstance(c, dict)]
        main = [c for c in (spec.get("containers") or []) if isinstance(c, dict)]
        cname = self._q("container", "")
        container = None
        if cname:
            container = next((c for c in containers if c.get("name") == cname), None)
            if container is None:
                raise err_bad_request("container %s is not valid for pod %s" % (cname, name))
        elif len(main) > 1:
            msg = ("a container name must be specified for pod %s, choose one of: [%s]"
                   % (name, " ".join(str(c.get("name")) for c in main)))
            inits = [str(c.get("name")) for c in (spec.get("initContainers") or [])
                     if isinstance(c, dict)]
            if inits:
                msg += " or one of the init containers: [%s]" % " ".join(inits)
            raise err_bad_request(msg)
        elif main:
            container = main[0]
        stdin, stdout, stderr, tty = (query_bool(self.query.get(k))
                                      for k in ("stdin", "stdout", "stderr", "tty"))
        if not (stdin or stdout or stderr):
            raise err_bad_request("you must specify at least 1 of stdin, stdout, stderr")
        if tty:
            stderr = False       # like the kubelet: a tty has no separate stderr
        if sub == "exec":
            argv = list(self.query.get("command") or [])
            if not argv:
                raise err_bad_request("you must specify at least one command for the container")
        else:   # attach: run the container's command (+args), or sh
            c = container or {}
            argv = [str(a) for a in (c.get("command") or []) + (c.get("args") or [])] or ["sh"]
        proto = self._ws_check(EXEC_PROTOCOLS)
        if proto is None:
            return
        drop = self._ws_upgrade(proto)
        ExecSession(self.connection, self._ws_leftover(), drop, self.rec, argv, proto,
                    stdin, stdout, stderr, tty).run()

    def _send_text(self, code, text):
        self._send_body(code, text.encode(), "text/plain; charset=utf-8",
                        {"X-Content-Type-Options": "nosniff"})

    def _ws_check(self, allowed):
        """Validate the upgrade request; return the subprotocol ("" = none) or None after
        sending an error response."""
        def tokens(name):
            out = []
            for v in self.headers.get_all(name) or []:
                out += [t.strip() for t in v.split(",") if t.strip()]
            return out
        upgrade = [t.lower() for t in tokens("Upgrade")]
        connection = [t.lower() for t in tokens("Connection")]
        if self.command != "GET" or "websocket" not in upgrade or "upgrade" not in connection:
            raise err_bad_request("Upgrade request required")
        key = (self.headers.get("Sec-WebSocket-Key") or "").strip()
        try:
            key_ok = len(base64.b64decode(key, validate=True)) == 16
        except ValueError:
            key_ok = False
        if (self.headers.get("Sec-WebSocket-Version") or "").strip() != "13" or not key_ok:
            self._send_body(400, b"Bad Request: websocket: missing or invalid "
                            b"Sec-WebSocket-Key/Sec-WebSocket-Version\n",
                            "text/plain; charset=utf-8", {"Sec-WebSocket-Version": "13"})
            return None
        offered = tokens("Sec-WebSocket-Protocol")
        if not offered:
            return ""
        for p in allowed:
            if p in offered:
                return p
        # like golang.org/x/net/websocket: 403 with an empty body
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self._common_headers()
        self.end_headers()
        if self.rec is not None:
            self.rec["status"] = 403
        return None

    def _ws_upgrade(self, proto):
        drop = FAULTS.take_drop_stream()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", ws_accept(self.headers["Sec-WebSocket-Key"].strip()))
        if proto:
            self.send_header("Sec-WebSocket-Protocol", proto)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.end_headers()
        self.close_connection = True
        self.upgraded = True
        if self.rec is not None:
            self.rec["status"] = 101
        return drop

    def _ws_leftover(self):
        """Bytes the client sent right after the request that rfile already buffered."""
        self.connection.setblocking(False)
        try:
            return self.rfile.read1(65536) or b""
        except (OSError, ValueError):
            return b""

    # ---- debug / control -------------------------------------------------

    def _debug(self, method, path):
        def body_json():
            if not self.body:
                return {}
            return self._json_body()

        if path == "/debug/requests":
            if method == "GET":
                return self._send_json(200, REQUESTS.snapshot())
            if method == "DELETE":
                REQUESTS.clear()
                return self._send_json(200, {"cleared": True})
        elif path == "/debug/faults":
            if method == "POST":
                return self._send_json(200, {"added": FAULTS.add(body_json()),
                                             "faults": FAULTS.snapshot()})
            if method == "GET":
                return self._send_json(200, FAULTS.snapshot())
            if method == "DELETE":
                FAULTS.clear()
                return self._send_json(200, {"cleared": True})
        elif path == "/debug/compact" and method == "POST":
            rv = STORE.compact()
            return self._send_json(200, {"compactedResourceVersion": str(rv)})
        elif path == "/debug/stream-events" and method == "POST":
            spec = body_json()
            ns = spec.get("namespace") or "default"
            op = (spec.get("op") or "create").lower()
            if op == "create":
                pod = spec.get("pod") or {
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": spec.get("name") or "",
                                 "generateName": "" if spec.get("name") else "p-",
                                 "labels": spec.get("labels") or {}},
                    "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
                if not pod["metadata"].get("generateName"):
                    pod["metadata"].pop("generateName", None)
                return self._send_json(201, {"type": "ADDED", "object": STORE.create(ns, pod)})
            name = spec.get("name") or ""
            if op == "update":
                patch = spec.get("patch") or {"metadata": {"annotations": {
                    "aksnet.test/touched": str(time.time())}}}
                return self._send_json(200, {"type": "MODIFIED", "object": STORE.patch(
                    ns, name, "application/merge-patch+json", patch, allow_status=True)})
            if op == "delete":
                return self._send_json(200, {"type": "DELETED",
                                             "object": STORE.delete(ns, name, {})})
            raise err_bad_request("op must be create, update or delete")
        elif path == "/debug/state" and method == "GET":
            with STORE.cond:
                state = {"resourceVersion": str(STORE.rv),
                         "compactedResourceVersion": str(STORE.compact_rv),
                         "pods": [copy.deepcopy(o) for _, o in sorted(STORE.pods.items())],
                         "events": len(STORE.history),
                         "lastDeleteOptions": copy.deepcopy(STORE.last_delete_options)}
            with CONN_LOCK:
                state["openConnections"] = sorted(OPEN_CONNS)
            state["faults"] = FAULTS.snapshot()
            return self._send_json(200, state)
        elif path == "/debug/reset" and method == "POST":
            STORE.reset()
            FAULTS.clear()
            REQUESTS.clear()
            return self._send_json(200, {"resourceVersion": str(STORE.rv)})
        elif path == "/debug/close-connections" and method == "POST":
            with CONN_LOCK:
                victims = [(cid, s) for cid, s in OPEN_CONNS.items() if cid != TLS.conn_id]
            for _, s in victims:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return self._send_json(200, {"closed": [cid for cid, _ in victims]})
        else:
            raise err_not_found_path()
        raise err_method_not_allowed()


def namespace_obj(name):
    return {"kind": "Namespace", "apiVersion": "v1",
            "metadata": {"name": name, "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, name + ".ns")),
                         "resourceVersion": "1", "creationTimestamp": "2026-01-01T00:00:00Z",
                         "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


API_V1_RESOURCES = {
    "kind": "APIResourceList", "groupVersion": "v1",
    "resources": [
        {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
         "shortNames": ["ns"]},
        {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
         "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                   "watch"],
         "shortNames": ["po"], "categories": ["all"]},
        {"name": "pods/attach", "singularName": "", "namespaced": True, "kind": "PodAttachOptions",
         "verbs": ["create", "get"]},
        {"name": "pods/exec", "singularName": "", "namespaced": True, "kind": "PodExecOptions",
         "verbs": ["create", "get"]},
        {"name": "pods/portforward", "singularName": "", "namespaced": True,
         "kind": "PodPortForwardOptions", "verbs": ["create", "get"]},
    ],
}


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------

class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, addr, ctx):
        if ":" in addr[0]:
            self.address_family = socket.AF_INET6
        self.ssl_ctx = ctx
        super().__init__(addr, Handler)

    def server_bind(self):
        # skip HTTPServer.server_bind's getfqdn() (slow without DNS)
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    def finish_request(self, request, client_address):
        # TLS handshake happens here, in the per-connection thread.
        conn_id = next(CONN_IDS)
        try:
            request.settimeout(10)
            ssock = self.ssl_ctx.wrap_socket(request, server_side=True)
            ssock.settimeout(None)
        except (ssl.SSLError, OSError) as e:
            if VERBOSE:
                log("conn=%d TLS handshake failed: %s" % (conn_id, e))
            try:
                request.close()
            except OSError:
                pass
            return
        TLS.conn_id = conn_id
        TLS.client_cn, TLS.client_groups = cert_identity(ssock.getpeercert())
        with CONN_LOCK:
            OPEN_CONNS[conn_id] = ssock
        try:
            self.RequestHandlerClass(ssock, client_address, self)
        finally:
            with CONN_LOCK:
                OPEN_CONNS.pop(conn_id, None)
            try:
                ssock.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if VERBOSE:
            traceback.print_exc()


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    global DIR, VERBOSE
    ap = argparse.ArgumentParser(description="fake Kubernetes API server for aksnet tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    DIR = os.path.abspath(args.dir)
    VERBOSE = args.verbose
    port_file, pid_file = os.path.join(DIR, "port"), os.path.join(DIR, "pid")
    for p in (port_file,):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(DIR, "server.crt"), os.path.join(DIR, "server.key"))
    ctx.load_verify_locations(os.path.join(DIR, "ca.crt"))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["http/1.1"])

    httpd = Server((args.host, args.port), ctx)
    port = httpd.server_address[1]

    def stop(signum, frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent that spawned us from a worker thread (Swift's Process under a
    # test runner) may hand down a mask that blocks these: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    write_atomic(pid_file, "%d\n" % os.getpid())
    write_atomic(port_file, "%d\n" % port)
    log("listening on https://%s:%d (pid %d)" % (
        "[::1]" if args.host == "::1" else args.host, port, os.getpid()))
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        kill_all_children()
        for p in (port_file, pid_file):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fake Kubernetes API server (HTTPS, HTTP/1.1) for aksnet tests.

Python 3.11, standard library only.  See README.md next to this file.

    fake_apiserver.py --dir DIR [--port 0] [--host 127.0.0.1] [--verbose]

DIR must contain server.crt, server.key and ca.crt (see make_certs.sh).  The
chosen port is written atomically to DIR/port and the pid to DIR/pid; both are
removed again on a clean exit (SIGTERM / SIGINT -> exit status 0).
"""

import argparse
import base64
import bisect
import copy
import itertools
import json
import os
import random
import select
import signal
import socket
import socketserver
import ssl
import string
import sys
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
                self.drops.append(dict(base))
                added.append("drop_connection")
            if "close_watch_after" in spec:
                self.close_watch_after = int(spec["close_watch_after"])
                added.append("close_watch_after")
        if not added:
            raise err_bad_request("fault spec needs one of status, delay_ms, drop_connection, "
                                  "close_watch_after")
        return added

    def clear(self):
        with self.lock:
            self.status, self.delays, self.drops = [], [], []
            self.close_watch_after = None

    def snapshot(self):
        with self.lock:
            return {"status": copy.deepcopy(self.status), "delays": copy.deepcopy(self.delays),
                    "drops": copy.deepcopy(self.drops),
                    "close_watch_after": self.close_watch_after}


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
            if FAULTS.take_drop(method, path):
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
            self._route(method, path)
        except ApiError as e:
            self._send_error(e)
        except (OSError, ssl.SSLError):
            self.close_connection = True
        except Exception as e:  # pragma: no cover - bug in the fake
            traceback.print_exc()
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
        if rest[2] != "pods" or len(rest) > 4:
            raise err_not_found_path()
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
        for p in (port_file, pid_file):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

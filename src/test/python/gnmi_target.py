#!/usr/bin/python3
"""An independent gNMI target (Python grpcio), used by the gNMI ITs.

The collector dials it, asks Capabilities and Subscribes (STREAM). Stubs are generated at test
time from proto/gnmi/ into --gen-dir (never committed). It serves OpenConfig interface state and
counters, Ethernet port speed and the CPU and memory of one component, of one or several devices
(chosen by the subscription prefix's target), with values that are a function of the sample
timestamp, so a test can compute every stored value and rate exactly:

  for device d (its position in --devices), interface i (0-based, named Ethernet1/<i+1>), and
  e = (t - start) / 1000 seconds since --start-ms:
    in-octets  = 1e9*(i+1) + 1e7*d + 125000*(i+1)*e      (in_bps  = 1e6*(i+1))
    out-octets = 2e9*(i+1) + 1e7*d + 250000*(i+1)*e      (out_bps = 2e6*(i+1))
    in-unicast-pkts = 1e6 + 100*(i+1)*e, in-multicast-pkts = 1000 + 10*e, in-broadcast-pkts = 100 + e,
    in-pkts = their sum; out-* likewise with 2e6, 200, 2000, 20, 200, 2
    in-errors = i, out-errors = 0, in-discards = 5, out-discards = 6, carrier-transitions = 3
    oper-status UP for even i, DOWN for odd i; admin-status UP; ifindex i+1; port-speed SPEED_10GB
    component CPU0: cpu instant 20+d, memory available 8e9, utilized 2e9

On Subscribe it prints one line "SUBSCRIBE <json>" (what was asked, and the caller's "user"
metadata), and "ENDED <json>" (target and user) when the stream has ended; it sends --samples samples at
--start-ms + k*--step-ms (SAMPLE leaves in every sample, ON_CHANGE leaves in the first), then a
sync_response; with --live it goes on, one sample per --step-ms of wall clock.

Options for the failure tests: TLS (--tls-cert/--tls-key), mutual TLS (--client-ca), credentials
(--username/--password, checked on every call), --malformed (a notification with bad values before
the first sample), --close-after-one (every stream ends after its first notification),
--no-on-change (refuse ON_CHANGE with INVALID_ARGUMENT), --json-container (JSON_IETF as one object
per container instead of one scalar per leaf), --delete (one delete notification after the sync).
"""
import argparse
import json
import os
import sys
import threading
import time
from concurrent import futures


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--gen-dir", required=True, help="directory holding gnmi/gnmi_pb2*.py")
    ap.add_argument("--devices", default="py-leaf1", help="comma-separated device names, chosen by prefix.target")
    ap.add_argument("--interfaces", type=int, default=2)
    ap.add_argument("--start-ms", type=int, required=True)
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--step-ms", type=int, default=10000)
    ap.add_argument("--live", action="store_true")
    ap.add_argument("--encodings", default="PROTO,JSON_IETF")
    ap.add_argument("--models", default="openconfig-interfaces,openconfig-if-ethernet,openconfig-platform")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--client-ca", help="require a client certificate signed by this CA (mutual TLS)")
    ap.add_argument("--username")
    ap.add_argument("--password")
    ap.add_argument("--malformed", action="store_true")
    ap.add_argument("--close-after-one", action="store_true")
    ap.add_argument("--no-on-change", action="store_true")
    ap.add_argument("--json-container", action="store_true")
    ap.add_argument("--delete", action="store_true")
    return ap.parse_args()


ARGS = parse_args()
sys.path.insert(0, ARGS.gen_dir)
import grpc  # noqa: E402
from gnmi import gnmi_pb2, gnmi_pb2_grpc  # noqa: E402

DEVICES = ARGS.devices.split(",")
SAMPLE, ON_CHANGE = "sample", "on_change"
LOCK = threading.Lock()


def log(line):
    with LOCK:
        print(line, flush=True)


# ---- the served tree: (path elements, kind, value, cadence) per leaf ----

def leaves(d, t_ms):
    """Every leaf of device d at time t_ms: a list of (entry, relative path, kind, value, cadence)."""
    e = (t_ms - ARGS.start_ms) // 1000
    out = []
    for i in range(ARGS.interfaces):
        n = i + 1
        entry = ("interfaces", "interface", "Ethernet1/%d" % n)
        iu, im, ib = 1000000 + 100 * n * e, 1000 + 10 * e, 100 + e
        ou, om, ob = 2000000 + 200 * n * e, 2000 + 20 * e, 200 + 2 * e
        counters = [
            ("in-octets", 1000000000 * n + 10000000 * d + 125000 * n * e),
            ("out-octets", 2000000000 * n + 10000000 * d + 250000 * n * e),
            ("in-unicast-pkts", iu), ("in-multicast-pkts", im), ("in-broadcast-pkts", ib), ("in-pkts", iu + im + ib),
            ("out-unicast-pkts", ou), ("out-multicast-pkts", om), ("out-broadcast-pkts", ob),
            ("out-pkts", ou + om + ob),
            ("in-errors", i), ("out-errors", 0), ("in-discards", 5), ("out-discards", 6),
            ("carrier-transitions", 3),
        ]
        for name, v in counters:
            out.append((entry, ("state", "counters", name), "uint64", v, SAMPLE))
        out.append((entry, ("state", "oper-status"), "enum", "UP" if i % 2 == 0 else "DOWN", ON_CHANGE))
        out.append((entry, ("state", "admin-status"), "enum", "UP", ON_CHANGE))
        out.append((entry, ("state", "ifindex"), "uint32", n, ON_CHANGE))
        out.append((entry, ("state", "description"), "string", "port %d" % n, ON_CHANGE))
        out.append((entry, ("ethernet", "state", "port-speed"), "identity",
                    "openconfig-if-ethernet:SPEED_10GB", ON_CHANGE))
    comp = ("components", "component", "CPU0")
    out.append((comp, ("cpu", "utilization", "state", "instant"), "uint8", 20 + d, SAMPLE))
    out.append((comp, ("state", "memory", "available"), "uint64", 8000000000, SAMPLE))
    out.append((comp, ("state", "memory", "utilized"), "uint64", 2000000000, SAMPLE))
    return out


def full_path(entry, rel):
    return [(entry[0], {}), (entry[1], {"name": entry[2]})] + [(r, {}) for r in rel]


def matches(req, path):
    """Whether requested elements (name, keys) select the concrete path (a prefix of it)."""
    if len(req) > len(path):
        return False
    for (rn, rk), (pn, pk) in zip(req, path):
        if rn != "*" and rn != pn:
            return False
        for k, v in rk.items():
            if pk.get(k) is None or (v != "*" and v != pk[k]):
                return False
    return True


def typed(kind, v):
    if kind in ("uint64", "uint32", "uint8"):
        return gnmi_pb2.TypedValue(uint_val=v)
    return gnmi_pb2.TypedValue(string_val=v)


def json_scalar(kind, v):
    if kind == "uint64":
        return str(v)  # RFC 7951: 64-bit integers are strings
    return v


def path_msg(elems, target="", origin=""):
    p = gnmi_pb2.Path(target=target, origin=origin)
    for name, keys in elems:
        pe = p.elem.add(name=name)
        for k, v in keys.items():
            pe.key[k] = v
    return p


# ---- the service ----

def check_auth(context):
    if ARGS.username is None:
        return
    md = dict(context.invocation_metadata())
    if md.get("username") != ARGS.username or md.get("password") != ARGS.password:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad username or password")


class Target(gnmi_pb2_grpc.gNMIServicer):
    def Capabilities(self, request, context):
        check_auth(context)
        r = gnmi_pb2.CapabilityResponse(gNMI_version="0.8.0")
        for m in ARGS.models.split(","):
            if m:
                r.supported_models.add(name=m, organization="OpenConfig working group", version="1.0.0")
        for e in ARGS.encodings.split(","):
            r.supported_encodings.append(gnmi_pb2.Encoding.Value(e))
        return r

    def Subscribe(self, request_iterator, context):
        check_auth(context)
        req = next(request_iterator)
        sl = req.subscribe
        target = sl.prefix.target
        subs = []
        for s in sl.subscription:
            elems = [(e.name, dict(e.key)) for e in list(sl.prefix.elem) + list(s.path.elem)]
            subs.append((elems, s))
        user = dict(context.invocation_metadata()).get("username", "")
        context.add_callback(lambda: log("ENDED " + json.dumps({"target": target, "user": user}, sort_keys=True)))
        log("SUBSCRIBE " + json.dumps({
            "user": user, "target": target, "origin": sl.prefix.origin, "mode": gnmi_pb2.SubscriptionList.Mode.Name(sl.mode),
            "encoding": gnmi_pb2.Encoding.Name(sl.encoding),
            "subscriptions": [{"path": "/" + "/".join(n + "".join("[%s=%s]" % kv for kv in sorted(k.items()))
                                                        for n, k in e),
                               "mode": gnmi_pb2.SubscriptionMode.Name(s.mode), "sample_interval": s.sample_interval,
                               "heartbeat_interval": s.heartbeat_interval} for e, s in subs]}, sort_keys=True))
        if len(DEVICES) > 1 and not target:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "prefix.target is empty; this target serves " + ARGS.devices)
        if target and target not in DEVICES:
            context.abort(grpc.StatusCode.NOT_FOUND, "no device named '%s'" % target)
        if ARGS.no_on_change and any(s.mode == gnmi_pb2.SubscriptionMode.ON_CHANGE for _, s in subs):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "ON_CHANGE is not supported; use SAMPLE")
        d = DEVICES.index(target) if target else 0
        as_json = sl.encoding in (gnmi_pb2.Encoding.JSON_IETF, gnmi_pb2.Encoding.JSON)

        def selected(t_ms, first):
            out = []
            for entry, rel, kind, v, cadence in leaves(d, t_ms):
                fp = full_path(entry, rel)
                for elems, s in subs:
                    if matches(elems, fp):
                        on_change = s.mode == gnmi_pb2.SubscriptionMode.ON_CHANGE
                        if first or not on_change:
                            out.append((entry, rel, kind, v))
                        break
            return out

        def notifications(t_ms, first):
            by_entry = {}
            for entry, rel, kind, v in selected(t_ms, first):
                by_entry.setdefault(entry, []).append((rel, kind, v))
            for entry, items in by_entry.items():
                n = gnmi_pb2.Notification(timestamp=t_ms * 1000000)
                n.prefix.CopyFrom(path_msg([(entry[0], {}), (entry[1], {"name": entry[2]})], target=target))
                if as_json and ARGS.json_container:
                    groups = {}
                    for rel, kind, v in items:
                        groups.setdefault(rel[:-1], {})[rel[-1]] = json_scalar(kind, v)
                    for container, obj in groups.items():
                        u = n.update.add()
                        u.path.CopyFrom(path_msg([(c, {}) for c in container]))
                        u.val.json_ietf_val = json.dumps(obj).encode()
                else:
                    for rel, kind, v in items:
                        u = n.update.add()
                        u.path.CopyFrom(path_msg([(r, {}) for r in rel]))
                        if as_json:
                            u.val.json_ietf_val = json.dumps(json_scalar(kind, v)).encode()
                        else:
                            u.val.CopyFrom(typed(kind, v))
                yield gnmi_pb2.SubscribeResponse(update=n)

        if ARGS.malformed:
            bad = gnmi_pb2.Notification(timestamp=ARGS.start_ms * 1000000)
            bad.prefix.CopyFrom(path_msg([("interfaces", {}), ("interface", {"name": "Ethernet1/1"})], target=target))
            u = bad.update.add()
            u.path.CopyFrom(path_msg([("state", {}), ("counters", {}), ("in-octets", {})]))
            u.val.json_ietf_val = b"{not json"
            u = bad.update.add()
            u.path.CopyFrom(path_msg([("state", {}), ("counters", {}), ("out-octets", {})]))  # no value
            u = bad.update.add()
            u.path.CopyFrom(path_msg([("state", {}), ("oper-status", {})]))
            u.val.string_val = "BOGUS"
            yield gnmi_pb2.SubscribeResponse(update=bad)
            noname = gnmi_pb2.Notification(timestamp=ARGS.start_ms * 1000000)
            u = noname.update.add()
            u.path.elem.add(name="")
            u.val.uint_val = 1
            yield gnmi_pb2.SubscribeResponse(update=noname)

        t = ARGS.start_ms
        for k in range(ARGS.samples):
            t = ARGS.start_ms + k * ARGS.step_ms
            for r in notifications(t, k == 0):
                yield r
                if ARGS.close_after_one:
                    log("CLOSING after one notification")
                    return
        yield gnmi_pb2.SubscribeResponse(sync_response=True)
        if ARGS.delete:
            n = gnmi_pb2.Notification(timestamp=t * 1000000)
            n.prefix.CopyFrom(path_msg([("interfaces", {})], target=target))
            n.delete.add().CopyFrom(path_msg([("interface", {"name": "Ethernet1/99"})]))
            yield gnmi_pb2.SubscribeResponse(update=n)
        while context.is_active():
            if not ARGS.live:
                time.sleep(0.2)
                continue
            nxt = t + ARGS.step_ms
            while context.is_active() and time.time() * 1000 < nxt:
                time.sleep(0.05)
            if not context.is_active():
                break
            t = nxt
            for r in notifications(t, False):
                yield r


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
    gnmi_pb2_grpc.add_gNMIServicer_to_server(Target(), server)
    addr = "%s:%d" % (ARGS.host, ARGS.port)
    if ARGS.tls_cert:
        with open(ARGS.tls_key, "rb") as f:
            key = f.read()
        with open(ARGS.tls_cert, "rb") as f:
            cert = f.read()
        ca = None
        if ARGS.client_ca:
            with open(ARGS.client_ca, "rb") as f:
                ca = f.read()
        creds = grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=ca is not None)
        server.add_secure_port(addr, creds)
    else:
        server.add_insecure_port(addr)
    server.start()
    log("READY %s pid %d" % (addr, os.getpid()))
    server.wait_for_termination()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""An independent Cisco MDT dial-out client (Python grpcio), used by CiscoDialoutIT.

It proves that a non-Java gRPC stack interoperates with Teleflux's server on the bidirectional
/mdt_dialout.gRPCMdtDialout/MdtDialout method. The stubs are generated at test time from
proto/cisco/mdt_grpc_dialout.proto and proto/cisco/cisco_telemetry.proto into --gen-dir (never
committed).

Sends, on one stream, as an IOS XR / NX-OS router would:
  1. generic-counters (GPB-KV) for two interfaces at --timestamp
  2. a malformed payload (must be counted, must not end the stream)
  3. generic-counters 5 s later, counters grown by known amounts, cut into NX-OS chunks (totalSize)
  4. interface-xr (GPB-KV) with the first interface's state and speed (1 Gbit/s)
  5. generic-counters 10 s later as JSON (IOS XR 7 spelling: 64-bit values as strings)
  6. a generic path (cpu-utilization)
Then half-closes, reads the response stream to its end and prints how many responses came (none are
expected: devices never read them) and exits 0.
"""
import argparse
import json
import sys

GENERIC = "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters"
INTERFACE_XR = "Cisco-IOS-XR-pfi-im-cmd-oper:interfaces/interface-xr/interface"
CPU = "Cisco-IOS-XR-wdsysmon-fd-oper:system-monitoring/cpu-utilization"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="host:port of the collector")
    ap.add_argument("--gen-dir", required=True, help="directory holding the generated *_pb2*.py")
    ap.add_argument("--device", default="py-xr1")
    ap.add_argument("--timestamp", type=int, required=True, help="epoch ms of the first sample")
    ap.add_argument("--base", type=int, default=1_000_000_000)
    ap.add_argument("--step", type=int, default=6_250_000, help="octets received per 5 s")
    ap.add_argument("--chunks", type=int, default=3, help="NX-OS chunks of the second sample")
    args = ap.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import cisco_telemetry_pb2 as tm
    import mdt_grpc_dialout_pb2 as pb
    import mdt_grpc_dialout_pb2_grpc as pb_grpc

    def field(name, **kw):
        return tm.TelemetryField(name=name, **kw)

    def row(ts, keys, content):
        return tm.TelemetryField(timestamp=ts, fields=[field("keys", fields=keys), field("content", fields=content)])

    def counters(ts, in_octets):
        rows = []
        for iface, octets in (("HundredGigE0/0/0/0", in_octets), ("Bundle-Ether1 ,x=y", in_octets + 7)):
            rows.append(row(ts, [field("interface-name", string_value=iface)], [
                field("bytes-received", uint64_value=octets),
                field("bytes-sent", uint64_value=octets * 2),
                field("packets-received", uint64_value=octets // 100),
                field("packets-sent", uint64_value=octets // 50),
                field("input-errors", uint32_value=1),
                field("crc-errors", uint32_value=2),
            ]))
        return tm.Telemetry(node_id_str=args.device, subscription_id_str="SUB1", encoding_path=GENERIC,
                            collection_id=ts // 1000, msg_timestamp=ts, data_gpbkv=rows)

    def whole(t, req=1):
        return pb.MdtDialoutArgs(ReqId=req, data=t.SerializeToString())

    def chunked(t, n, req=2):
        data = t.SerializeToString()
        step = (len(data) + n - 1) // n
        return [pb.MdtDialoutArgs(ReqId=req, data=data[i:i + step], totalSize=len(data))
                for i in range(0, len(data), step)]

    ts = args.timestamp
    b = args.base
    s = args.step

    def messages():
        yield whole(counters(ts, b))
        yield pb.MdtDialoutArgs(ReqId=3, data=b"\x0a\xff\xff")
        for m in chunked(counters(ts + 5000, b + s), args.chunks):
            yield m
        xr = tm.Telemetry(node_id_str=args.device, encoding_path=INTERFACE_XR, msg_timestamp=ts + 5000, data_gpbkv=[
            row(ts + 5000, [field("interface-name", string_value="HundredGigE0/0/0/0")], [
                field("state", string_value="im-state-up"), field("line-state", string_value="im-state-up"),
                field("speed", uint32_value=1_000_000), field("if-index", uint32_value=5),
                field("description", string_value="to core-2")])])
        yield whole(xr)
        third = {"node_id_str": args.device, "encoding_path": GENERIC, "msg_timestamp": str(ts + 10000),
                 "data_json": [{"timestamp": str(ts + 10000), "keys": [{"interface-name": "HundredGigE0/0/0/0"}],
                                "content": {"bytes-received": str(b + 2 * s), "bytes-sent": str((b + 2 * s) * 2),
                                            "packets-received": str((b + 2 * s) // 100),
                                            "packets-sent": str((b + 2 * s) // 50)}}]}
        yield pb.MdtDialoutArgs(ReqId=4, data=json.dumps(third).encode())
        cpu = tm.Telemetry(node_id_str=args.device, encoding_path=CPU, msg_timestamp=ts + 10000, data_gpbkv=[
            row(ts + 10000, [field("node-name", string_value="0/RP0/CPU0")], [
                field("total-cpu-one-minute", uint32_value=7), field("total-cpu-five-minute", uint32_value=6)])])
        yield whole(cpu)

    with grpc.insecure_channel(args.target) as channel:
        stub = pb_grpc.gRPCMdtDialoutStub(channel)
        responses = stub.MdtDialout(messages(), timeout=30)
        n = sum(1 for _ in responses)
        print("responses:", n)
        print("status:", responses.code().name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

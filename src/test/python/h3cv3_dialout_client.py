#!/usr/bin/python3
"""An independent H3C Comware v3 dial-out client (Python grpcio), used by H3cV3DialoutIT.

It proves that a non-Java gRPC stack interoperates with Teleflux's v3 service. The stubs are
generated at test time from proto/h3cv3/*.proto into --gen-dir (never committed).

Sends on one bidirectional DialoutV3 call, in order:
  1. Ifmgr/Statistics (JSON, data_str starting with the table, as real devices send it) for two
     interfaces, msg_timestamp = --timestamp
  2. bytes that are not a Telemetry (must be counted, must not end the stream)
  3. Ifmgr/Statistics 5 s later, counters grown by known amounts, chunked by totalSize in 40-byte pieces
  4. Ifmgr/Interfaces with the speed of the first interface (module object at the top)
  5. Device/CPUs as GPB rows (content hand-encoded: no module proto is public), chunked
  6. an errors report without data
then half-closes, reads the response stream to its end and prints how many messages it carried and
the final status. Exits 0 when the call ended OK.
"""
import argparse
import json
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, v):
    return varint(number << 3) + varint(v)


def field_bytes(number, b):
    return varint(number << 3 | 2) + varint(len(b)) + b


def statistics(base):
    rows = [
        {"IfIndex": 1, "Name": "GigabitEthernet1/0/1", "AbbreviatedName": "GE1/0/1",
         "InOctets": str(base), "OutOctets": base * 2, "InPkts": base // 100, "OutPkts": base // 50},
        {"IfIndex": 2, "Name": "Bridge-Aggregation 1,x=y", "InOctets": base + 7, "OutOctets": base + 9,
         "InPkts": 10, "OutPkts": 20},
    ]
    return json.dumps({"Statistics": {"Interface": rows}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="host:port of the collector")
    ap.add_argument("--gen-dir", required=True, help="directory holding grpc_dialout_v3_pb2*.py and telemetry_pb2.py")
    ap.add_argument("--device", default="py-v3-sw1")
    ap.add_argument("--timestamp", type=int, required=True, help="epoch ms of the first sample")
    ap.add_argument("--base", type=int, default=1_000_000_000)
    args = ap.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import grpc_dialout_v3_pb2 as pb
    import grpc_dialout_v3_pb2_grpc as pb_grpc
    import telemetry_pb2 as tm

    def telemetry(path, ts, **kw):
        return tm.Telemetry(producer_name="H3C", node_id_str=args.device, product_name="S6530X-PY",
                            subscription_id_str="SUB1", sensor_path=path, collection_id=1,
                            collection_start_time=ts, msg_timestamp=ts, collection_end_time=ts,
                            current_period=5000, except_desc="OK", **kw)

    def chunked(req_id, message, piece):
        data = message.SerializeToString()
        for off in range(0, len(data), piece):
            yield pb.DialoutV3Args(ReqId=req_id, data=data[off:off + piece], totalSize=len(data))

    def messages():
        ts = args.timestamp
        yield pb.DialoutV3Args(ReqId=1, data=telemetry("Ifmgr/Statistics", ts, encoding=tm.Telemetry.Encoding_JSON,
                                                       data_str=statistics(args.base)).SerializeToString())
        yield pb.DialoutV3Args(ReqId=2, data=b"\x0a\x7f not a telemetry message")
        later = telemetry("ifmgr/statistics", ts + 5000, encoding=tm.Telemetry.Encoding_JSON,
                          data_str=statistics(args.base + 6_250_000))
        yield from chunked(3, later, 40)
        iface = {"Ifmgr": {"Interfaces": {"Interface": {
            "IfIndex": 1, "Name": "GigabitEthernet1/0/1", "AdminStatus": 1, "OperStatus": 1,
            "ActualSpeed": 1000000}}}}
        yield pb.DialoutV3Args(ReqId=4, data=telemetry("Ifmgr/Interfaces", ts + 5000, encoding=tm.Telemetry.Encoding_JSON,
                                                       data_str=json.dumps(iface)).SerializeToString())
        rows = []
        for slot, usage in ((1, 23), (2, 7)):
            cpu = field_varint(1, 0) + field_varint(2, slot) + field_varint(3, 0) + field_varint(4, usage)
            content = field_bytes(1, field_bytes(1, cpu))  # Device{CPUs{CPU{...}}}, field numbers made up
            rows.append(tm.TelemetryRowGPB(timestamp=ts + 5000, content=content))
        gpb = telemetry("Device/CPUs", ts + 5000, encoding=tm.Telemetry.Encoding_GPB,
                        data_gpb=tm.TelemetryGPBTable(row=rows))
        yield from chunked(5, gpb, 16)
        yield pb.DialoutV3Args(ReqId=6, errors="sensor path Foo/Bar is not supported")

    with grpc.insecure_channel(args.target) as channel:
        stub = pb_grpc.gRPCDialoutV3Stub(channel)
        answers = 0
        try:
            for _ in stub.DialoutV3(messages(), timeout=30):
                answers += 1
            status = "OK"
        except grpc.RpcError as e:
            status = e.code().name
        print("responses:", answers, "status:", status)
    return 0 if status == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())

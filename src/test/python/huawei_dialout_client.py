#!/usr/bin/python3
"""An independent Huawei VRP dial-out client (Python grpcio), used by HuaweiDialoutIT.

It plays a Huawei router: one bidirectional call to /huawei_dialout.gRPCDataservice/dataPublish,
with stubs generated at test time from proto/huawei/*.proto into --gen-dir (never committed).

Sends, in order, on the one stream:
  1. GPB: huawei-ifm:ifm/interfaces/interface/mib-statistics for two interfaces at --timestamp
  2. a serviceArgs whose data is no Telemetry (must be counted, must not end the stream)
  3. GPB: the same interfaces --interval ms later, counters grown by known amounts
  4. JSON (data_json): the first interface another --interval later, 64-bit leaves as strings, dashes
  5. JSON (data_json): huawei-devm:devm/cpuInfos/cpuInfo, a path stored generically
Then half-closes, reads the response stream to its end (Teleflux sends nothing on it) and prints
"responses: N" and "status: OK". Exits 0 on success.
"""
import argparse
import json
import sys

IN_STEP = 6_250_000     # octets per interval on 100GE1/0/1 in
OUT_STEP = 12_500_000   # octets per interval on 100GE1/0/1 out
PKT_STEP = 1_000        # unicast packets per interval, in and out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="host:port of the collector")
    ap.add_argument("--gen-dir", required=True, help="directory holding the generated *_pb2*.py")
    ap.add_argument("--device", default="py-pe1")
    ap.add_argument("--timestamp", type=int, required=True, help="epoch ms of the first sample")
    ap.add_argument("--interval", type=int, default=5000, help="ms between samples")
    ap.add_argument("--base", type=int, default=1_000_000_000)
    args = ap.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import huawei_grpc_dialout_pb2 as dialout
    import huawei_grpc_dialout_pb2_grpc as dialout_grpc
    import huawei_telemetry_pb2 as tele
    import huawei_ifm_pb2 as ifm

    path = "huawei-ifm:ifm/interfaces/interface/mib-statistics"

    def mib(n):
        """The counters after n intervals."""
        content = ifm.Ifm()
        i1 = content.interfaces.interface.add()
        i1.name = "100GE1/0/1"
        s = i1.mib_statistics
        s.receive_byte = args.base + n * IN_STEP
        s.send_byte = 2 * args.base + n * OUT_STEP
        s.receive_unicast_packet = 1_000_000 + n * PKT_STEP
        s.receive_multicast_packet = 500
        s.receive_broadcast_packet = 20
        s.receive_packet = s.receive_unicast_packet + 520
        s.send_unicast_packet = 2_000_000 + n * PKT_STEP
        s.send_packet = s.send_unicast_packet
        i2 = content.interfaces.interface.add()
        i2.name = "Eth-Trunk4.1"
        i2.mib_statistics.receive_byte = 7 + n
        i2.mib_statistics.send_byte = 9 + n
        return content.SerializeToString()

    def gpb(n):
        ts = args.timestamp + n * args.interval
        t = tele.Telemetry(node_id_str=args.device, subscription_id_str="SUB1", sensor_path=path,
                           proto_path="huawei_ifm.Ifm", collection_id=100 + n, collection_start_time=ts,
                           msg_timestamp=ts + 95, collection_end_time=ts + 100, current_period=args.interval,
                           except_desc="OK", product_name="NetEngine 8000 F", software_version="V800R022C00",
                           encoding=tele.Telemetry.Encoding_GPB)
        t.data_gpb.row.add(timestamp=ts, content=mib(n))
        return dialout.serviceArgs(ReqId=n, data=t.SerializeToString())

    def as_json(n):
        ts = args.timestamp + n * args.interval
        doc = {"node_id_str": args.device, "subscription_id_str": "SUB1", "sensor_path": path,
               "collection_id": 100 + n, "collection_start_time": ts, "msg_timestamp": ts + 95,
               "current_period": args.interval, "except_desc": "OK", "product_name": "NetEngine 8000 F",
               "encoding": "Encoding_JSON",
               "data_str": {"row": [{"timestamp": ts, "content": {"interfaces": {"interface": [{
                   "name": "100GE1/0/1", "mib-statistics": {
                       "receive-byte": str(args.base + n * IN_STEP),
                       "send-byte": str(2 * args.base + n * OUT_STEP),
                       "receive-packet": str(1_000_000 + n * PKT_STEP + 520),
                       "receive-unicast-packet": str(1_000_000 + n * PKT_STEP),
                       "receive-multicast-packet": "500", "receive-broadcast-packet": "20",
                       "send-packet": str(2_000_000 + n * PKT_STEP),
                       "send-unicast-packet": str(2_000_000 + n * PKT_STEP),
                       "send-multicast-packet": "0", "send-broadcast-packet": "0"}}]}}}]}}
        return dialout.serviceArgs(ReqId=n, data_json=json.dumps(doc))

    def cpu(n):
        ts = args.timestamp + n * args.interval
        doc = {"node_id_str": args.device, "sensor_path": "huawei-devm:devm/cpuInfos/cpuInfo",
               "msg_timestamp": ts, "encoding": "Encoding_JSON",
               "data_str": {"row": [{"timestamp": ts, "content": {"cpuInfos": {"cpuInfo": [
                   {"position": "1/1", "systemCpuUsage": "23", "ovloadThreshold": 90}]}}}]}}
        return dialout.serviceArgs(ReqId=99, data_json=json.dumps(doc))

    def messages():
        yield gpb(0)
        yield dialout.serviceArgs(ReqId=1, data=b"\x0a\xc8\x01garbage")
        yield gpb(1)
        yield as_json(2)
        yield cpu(2)

    with grpc.insecure_channel(args.target) as channel:
        stub = dialout_grpc.gRPCDataserviceStub(channel)
        responses = stub.dataPublish(messages(), timeout=30)
        n = sum(1 for _ in responses)
        print("responses:", n)
        print("status:", responses.code().name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

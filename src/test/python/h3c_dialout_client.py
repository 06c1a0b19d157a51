#!/usr/bin/python3
"""An independent H3C dial-out client (Python grpcio), used by PythonClientIT.

It proves that a non-Java gRPC stack interoperates with Teleflux's server. The stubs are
generated at test time from proto/h3c/grpc_dialout.proto into --gen-dir (never committed).

Sends one client-streaming call carrying, in order:
  1. Ifmgr/Statistics for two interfaces at --timestamp
  2. a malformed jsonData (must be counted, must not end the stream)
  3. Ifmgr/Statistics again 5 s later, counters grown by known amounts
  4. Ifmgr/Interfaces with the speed of the first interface
Prints the server's DialoutResponse and exits 0 on success. With --ca (and --cert/--key for mutual
TLS) it dials TLS.
"""
import argparse
import json
import sys


def statistics(ts, base):
    rows = [
        {"IfIndex": 1, "Name": "GigabitEthernet1/0/1", "AbbreviatedName": "GE1/0/1",
         "InOctets": str(base), "OutOctets": base * 2, "InPkts": base // 100, "OutPkts": base // 50},
        {"IfIndex": 2, "Name": "Bridge-Aggregation 1,x=y", "InOctets": base + 7, "OutOctets": base + 9,
         "InPkts": 10, "OutPkts": 20},
    ]
    return json.dumps({"Notification": {"Timestamp": str(ts), "Ifmgr": {"Statistics": {"Interface": rows}}}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="host:port of the collector")
    ap.add_argument("--gen-dir", required=True, help="directory holding grpc_dialout_pb2*.py")
    ap.add_argument("--device", default="py-sw1")
    ap.add_argument("--timestamp", type=int, required=True, help="epoch ms of the first sample")
    ap.add_argument("--base", type=int, default=1_000_000_000)
    ap.add_argument("--ca", help="dial TLS, trusting this PEM CA file")
    ap.add_argument("--cert", help="PEM certificate to present (mutual TLS); needs --key")
    ap.add_argument("--key", help="PEM private key of --cert")
    ap.add_argument("--server-name", help="name expected in the collector's certificate")
    args = ap.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import grpc_dialout_pb2 as pb
    import grpc_dialout_pb2_grpc as pb_grpc

    info = pb.DeviceInfo(producerName="H3C", deviceName=args.device, deviceModel="S6850-PY")

    def messages():
        yield pb.DialoutMsg(deviceMsg=info, sensorPath="Ifmgr/Statistics",
                            jsonData=statistics(args.timestamp, args.base))
        yield pb.DialoutMsg(deviceMsg=info, sensorPath="Ifmgr/Statistics", jsonData='{"Notification": {"Ifmgr": [')
        yield pb.DialoutMsg(deviceMsg=info, sensorPath="ifmgr/statistics",
                            jsonData=statistics(args.timestamp + 5000, args.base + 6_250_000))
        iface = {"Notification": {"Timestamp": args.timestamp + 5000, "Ifmgr": {"Interfaces": {"Interface": {
            "IfIndex": 1, "Name": "GigabitEthernet1/0/1", "AdminStatus": 1, "OperStatus": 1,
            "ActualSpeed": 1000000}}}}}
        yield pb.DialoutMsg(deviceMsg=info, sensorPath="Ifmgr/Interfaces", jsonData=json.dumps(iface))

    if args.ca or args.cert:
        def read(path):
            with open(path, "rb") as f:
                return f.read()
        creds = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca) if args.ca else None,
            private_key=read(args.key) if args.key else None,
            certificate_chain=read(args.cert) if args.cert else None)
        options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
        channel = grpc.secure_channel(args.target, creds, options=options)
    else:
        channel = grpc.insecure_channel(args.target)
    with channel:
        stub = pb_grpc.GRPCDialoutStub(channel)
        response = stub.Dialout(messages(), timeout=30)
        print("response:", response.response)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The baseline of the `python` benchmark: a minimal H3C dial-out collector, written the way the
classic tutorial collectors are (grpcio server, ThreadPoolExecutor, json.loads per message).

For every DialoutMsg it parses jsonData, walks Notification -> module -> table -> rows and formats
one InfluxDB line-protocol line per row: measurement = the table, tags device and interface (when
the row has a Name), every other value of the row as a field, time = Notification.Timestamp (ms).
The text goes to --out (default /dev/null), where a real collector would POST it to InfluxDB.

The stubs are generated before the run from proto/h3c/grpc_dialout.proto into --gen-dir (never
committed). Protocol with the benchmark driver, one line each:
  stdout "listening <port>"                  once the server is up
  stdin  "stats"  -> stdout "stats <messages> <lines>"
  stdin  EOF                                 stop the server and exit
"""
import argparse
import json
import sys
import threading
from concurrent import futures


def tag(value):
    return str(value).replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def field(key, value):
    if isinstance(value, bool):
        return f"{key}={'true' if value else 'false'}"
    if isinstance(value, int):
        return f"{key}={value}i"
    if isinstance(value, float):
        return f"{key}={value}"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}="{text}"'


def to_lines(device, doc):
    """Line protocol for one jsonData document, one line per table row."""
    notification = doc["Notification"]
    timestamp = int(notification["Timestamp"])
    lines = []
    for module, tables in notification.items():
        if module == "Timestamp":
            continue
        for table, content in tables.items():
            rows = next(iter(content.values())) if isinstance(content, dict) and len(content) == 1 else content
            if isinstance(rows, dict):
                rows = [rows]
            for row in rows:
                tags = f"device={tag(device)}"
                if "Name" in row:
                    tags += f",interface={tag(row['Name'])}"
                fields = ",".join(field(k, v) for k, v in row.items() if k != "Name")
                lines.append(f"{table},{tags} {fields} {timestamp}")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen-dir", required=True, help="directory holding grpc_dialout_pb2*.py")
    ap.add_argument("--listen", default="127.0.0.1:0", help="host:port; port 0 picks a free one")
    ap.add_argument("--workers", type=int, default=10, help="ThreadPoolExecutor size (one stream uses one)")
    ap.add_argument("--out", default="/dev/null", help="where the line protocol goes")
    args = ap.parse_args()

    sys.path.insert(0, args.gen_dir)
    import grpc
    import grpc_dialout_pb2 as pb
    import grpc_dialout_pb2_grpc as pb_grpc

    out = open(args.out, "w", encoding="utf-8")
    lock = threading.Lock()
    totals = {"messages": 0, "lines": 0}

    class Collector(pb_grpc.GRPCDialoutServicer):
        def Dialout(self, request_iterator, context):
            for msg in request_iterator:
                lines = to_lines(msg.deviceMsg.deviceName, json.loads(msg.jsonData))
                body = "\n".join(lines) + "\n"
                with lock:
                    out.write(body)
                    totals["messages"] += 1
                    totals["lines"] += len(lines)
            return pb.DialoutResponse(response="ok")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    pb_grpc.add_GRPCDialoutServicer_to_server(Collector(), server)
    port = server.add_insecure_port(args.listen)
    server.start()
    print(f"listening {port}", flush=True)

    for command in sys.stdin:
        if command.strip() == "stats":
            with lock:
                print(f"stats {totals['messages']} {totals['lines']}", flush=True)
    server.stop(grace=1).wait()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

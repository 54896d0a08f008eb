#!/usr/bin/env python3
"""Start-up to first remote call: how long a command takes from being started until its first request reaches
the network. A loopback socket stands in for the remote service; the time is taken when the first bytes of the
first connection arrive, then the command is stopped. Works for any protocol (HTTP/1.1, HTTP/2 for gRPC).

Usage: first_call.py --label NAME --runs N [--warmup W] [--template SRC=DST]... [--env K=V]... -- COMMAND ARGS...
'{PORT}' in the arguments, the --env values and the templates is replaced by the socket's port.
Prints one JSON object: {"label", "runs": [seconds...], "median", "command"}.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--label", required=True)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--template", action="append", default=[])
    p.add_argument("--env", action="append", default=[])
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    port = str(server.getsockname()[1])
    for t in a.template:
        src, dst = t.split("=", 1)
        with open(src) as f:
            text = f.read().replace("{PORT}", port)
        with open(dst, "w") as f:
            f.write(text)
    env = dict(os.environ)
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v.replace("{PORT}", port)
    argv = [c.replace("{PORT}", port) for c in cmd]

    times = []
    for i in range(a.warmup + a.runs):
        server.settimeout(a.timeout)
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            conn, _ = server.accept()
            conn.settimeout(a.timeout)
            first = conn.recv(1)
            t1 = time.perf_counter()
            if not first:
                raise RuntimeError("connection closed before any bytes")
        except Exception as e:  # the command never called out: say what it printed
            proc.kill()
            _, err = proc.communicate()
            sys.exit(f"first_call: {a.label}: no request within {a.timeout}s ({e}); stderr:\n{err.decode(errors='replace')[-2000:]}")
        proc.kill()
        proc.communicate()
        conn.close()
        # Drain connections the command opened in parallel before it was stopped.
        server.settimeout(0.05)
        try:
            while True:
                c, _ = server.accept()
                c.close()
        except OSError:
            pass
        if i >= a.warmup:
            times.append(t1 - t0)
    print(json.dumps({"label": a.label, "runs": [round(t, 4) for t in times],
                      "median": round(statistics.median(times), 4), "command": " ".join(cmd)}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""ACL cost per HTTP request, end to end: two `mesh agent -dev` processes side by side, one without ACLs and one
with `default_policy = deny`, asked the same reads and writes over keep-alive HTTP/1.1. The ACL server's token has
50 policies of 10 rules each (500 rules); the read is a health list of 20 instances (filtered per row).

Usage: tools/acl-overhead/acl_overhead.py [--mesh src/Agent/bin/Release/net10.0/mesh] [--requests 2000] [--rounds 4]
Prints a Markdown table (median and p99 latency per path, ACL on vs off) for docs/benchmarks.md.
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Agent:
    def __init__(self, mesh, acl_token=None):
        self.http_port = free_port()
        self.folder = tempfile.mkdtemp(prefix="mesh-acl-overhead-")
        args = [mesh, "agent", "-dev", "-http-port", str(self.http_port), "-grpc-port", str(free_port()),
                "-server-port", str(free_port()), "-log-level", "warn"]
        if acl_token:
            config = os.path.join(self.folder, "acl.json")
            with open(config, "w") as f:
                json.dump({"acl": {"enabled": True, "default_policy": "deny",
                                   "tokens": {"initial_management": acl_token}}}, f)
            args += ["-config-file", config]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.connection = None

    def wait_ready(self, token, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                status, _ = self.request("GET", "/v1/catalog/nodes", token=token)
                if status == 200:
                    return
            except OSError:
                self.connection = None
            time.sleep(0.2)
        raise SystemExit(f"agent on {self.http_port} not ready")

    def request(self, method, path, body=None, token=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        headers = {"X-Consul-Token": token} if token else {}
        data = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def must(result, what):
    status, body = result
    if status != 200:
        raise SystemExit(f"{what}: {status} {body[:300]!r}")
    return json.loads(body) if body else None


def seed(agent, token, with_acl):
    for i in range(20):
        must(agent.request("PUT", "/v1/catalog/register", {
            "Node": f"node-{i}", "Address": f"10.0.0.{i + 1}",
            "Service": {"ID": f"svc-42-{i}", "Service": "svc-42", "Port": 8080}}, token), "seed register")
    if not with_acl:
        return None
    policies = []
    for p in range(50):
        rules = "".join(f'service "svc-{p * 10 + r}" {{ policy = "write" }}\n' for r in range(10))
        if p == 0:
            rules += 'node_prefix "" { policy = "write" }\n'
        policy = must(agent.request("PUT", "/v1/acl/policy", {"Name": f"p{p}", "Rules": rules}, token), "policy")
        policies.append({"ID": policy["ID"]})
    created = must(agent.request("PUT", "/v1/acl/token", {"Description": "50 policies", "Policies": policies}, token), "token")
    return created["SecretID"]


def measure(agent, token, method, path, body_of, n):
    samples = []
    for i in range(n):
        body = body_of(i) if body_of else None
        start = time.perf_counter_ns()
        status, _ = agent.request(method, path, body, token)
        samples.append((time.perf_counter_ns() - start) / 1000)
        if status != 200:
            raise SystemExit(f"{method} {path}: {status}")
    return samples


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mesh", default="src/Agent/bin/Release/net10.0/mesh")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    management = str(uuid.uuid4())
    off, on = Agent(args.mesh), Agent(args.mesh, management)
    try:
        off.wait_ready(None)
        on.wait_ready(management)
        seed(off, None, False)
        token = seed(on, management, True)
        paths = {
            "read: GET /v1/health/service/svc-42 (20 rows)": ("GET", "/v1/health/service/svc-42", None),
            "write: PUT /v1/catalog/register": ("PUT", "/v1/catalog/register", lambda i: {
                "Node": "node-7", "Address": "10.0.0.8", "SkipNodeUpdate": True,
                "Service": {"ID": f"svc-42-w{i % 50}", "Service": "svc-42", "Port": 9000 + (i % 50)}}),
        }
        results = {name: {"off": [], "on": []} for name in paths}
        for _ in range(args.rounds):  # interleaved, so drift in machine load hits both sides alike
            for name, (method, path, body) in paths.items():
                results[name]["off"] += measure(off, None, method, path, body, args.requests // args.rounds)
                results[name]["on"] += measure(on, token, method, path, body, args.requests // args.rounds)

        print(f"| request | ACLs | median µs | p99 µs | median on/off |")
        print(f"| --- | --- | ---: | ---: | ---: |")
        for name, sides in results.items():
            median_off = statistics.median(sides["off"])
            median_on = statistics.median(sides["on"])
            print(f"| {name} | off | {median_off:.0f} | {percentile(sides['off'], 0.99):.0f} | |")
            print(f"| {name} | on (50 policies, 500 rules) | {median_on:.0f} | {percentile(sides['on'], 0.99):.0f} | {median_on / median_off:.3f} |")
    finally:
        off.stop()
        on.stop()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Webhook checks of the test command (issue #23), against a receiver on loopback.

  webhook-test.py demo BASE_URL TOKEN
      Registers a webhook for the signed-in demo user of a running `mirror serve` (local mode) and
      waits until a copy.digest reporting at least one copy and a webhook.test arrive, each with a
      Standard Webhooks signature the verifier below accepts.

  webhook-test.py kill BINARY WORKDIR
      Runs `mirror api` and `mirror workers` on one SQLite database, freezes the workers
      (SIGSTOP), writes an event to the outbox through the API (a test send), SIGKILLs the frozen
      workers, checks nothing arrived, starts the workers again and checks the event arrives
      exactly once.

The verifier is written from the specification's text
(https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
independently of Mirror's signer: HMAC-SHA256 over "msg_id.timestamp.body" keyed with the
base64-decoded part of the whsec_ secret, compared against each space-separated "v1,<base64>"
signature, the timestamp within 5 minutes. Standard library only.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def verify(secret, headers, body):
    msg_id, stamp, signatures = headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature")
    if not (msg_id and stamp and signatures and secret.startswith("whsec_")):
        return False
    if abs(time.time() - int(stamp)) > 300:
        return False
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    for signature in signatures.split(" "):
        version, _, value = signature.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class Receiver:
    """Records every POST /hook as (webhook-id, payload, verified)."""

    def __init__(self):
        self.secret = None
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    ok = receiver.secret is not None and verify(receiver.secret, headers, body)
                    receiver.received.append((headers.get("webhook-id"), json.loads(body), ok))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of_type(self, kind):
        with self.lock:
            return [r for r in self.received if r[1].get("type") == kind]


def call(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
        return response.status, (json.loads(text) if text else None)


def wait_for(what, predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    print(f"error: {what} within {seconds}s", file=sys.stderr)
    return False


def register(receiver, base, token):
    status, answer = call("POST", f"{base}/webhooks", token, {"url": receiver.url})
    assert status == 201 and answer["secret"].startswith("whsec_"), answer
    receiver.secret = answer["secret"]
    return answer["id"]


def demo(base, token):
    receiver = Receiver()
    endpoint = register(receiver, base, token)
    call("POST", f"{base}/webhooks/{endpoint}/test", token)

    def copied():
        return any(ok and sum(p["data"][k] for k in ("copied", "skipped", "failed")) > 0
                   for _, p, ok in receiver.of_type("copy.digest"))

    if not wait_for("a verified webhook.test", lambda: any(ok for _, _, ok in receiver.of_type("webhook.test")), 30):
        return 1
    if not wait_for("a verified copy.digest reporting a copy", copied, 150):
        print(f"received: {receiver.received}", file=sys.stderr)
        return 1
    if any(not ok for _, _, ok in receiver.received):
        print(f"error: a delivery failed verification: {receiver.received}", file=sys.stderr)
        return 1
    digest = next(p for _, p, ok in receiver.of_type("copy.digest") if ok and p["data"]["copied"] + p["data"]["skipped"] + p["data"]["failed"] > 0)
    print(f"webhooks: the demo's copies reached the endpoint, signed (copy.digest {digest['data']})")
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kill_scenario(binary, workdir):
    os.makedirs(workdir, exist_ok=True)
    api_port, workers_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(MIRROR_MODE="local", EXCHANGE="fake", DATABASE_URL=os.path.join(workdir, "mirror.sqlite"),
               TRADING_KEY_ENCRYPTION_KEY="0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0",
               NOTIFY_POLL_INTERVAL_MS="500")
    logs = open(os.path.join(workdir, "mirror.log"), "ab")

    def start(command, port):
        return subprocess.Popen([binary, command], cwd=workdir, env=dict(env, PORT=str(port)), stdout=logs, stderr=logs)

    api = start("api", api_port)
    workers = None
    base = f"http://127.0.0.1:{api_port}"
    try:
        def healthy():
            try:
                return call("GET", f"{base}/health")[0] == 200
            except OSError:
                return False

        # The API first (it seeds the local demo), then the workers on the same database.
        if not wait_for("mirror api answering /health", healthy, 60):
            return 1
        workers = start("workers", workers_port)
        token = call("POST", f"{base}/auth/dev-sign-in", None, {"name": "demo"})[1]["token"]
        receiver = Receiver()
        endpoint = register(receiver, base, token)
        time.sleep(2)  # the workers have started ticking
        workers.send_signal(signal.SIGSTOP)
        # The outbox row, written by the API while the workers are frozen. Should the freeze have
        # caught them inside a SQLite write, the kill releases its lock and the write goes on.
        sent = threading.Thread(target=call, args=("POST", f"{base}/webhooks/{endpoint}/test", token))
        sent.start()
        time.sleep(0.5)
        workers.send_signal(signal.SIGKILL)
        workers.wait()
        sent.join(timeout=15)
        time.sleep(1)
        if receiver.of_type("webhook.test"):
            print("error: delivered before the workers restarted", file=sys.stderr)
            return 1
        workers = start("workers", workers_port)
        if not wait_for("the test event after the restart", lambda: receiver.of_type("webhook.test"), 60):
            return 1
        time.sleep(3)  # a second delivery would arrive in this time
        tests = receiver.of_type("webhook.test")
        if len(tests) != 1 or not tests[0][2]:
            print(f"error: want exactly one verified delivery, got {tests}", file=sys.stderr)
            return 1
        print(f"webhooks: SIGKILLed between the outbox write and the delivery, delivered once after restart ({tests[0][0]})")
        return 0
    finally:
        for process in (api, workers):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "demo":
        sys.exit(demo(sys.argv[2].rstrip("/"), sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "kill":
        sys.exit(kill_scenario(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)

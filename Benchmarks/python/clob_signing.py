#!/usr/bin/env python3
"""Order prepare + sign with Polymarket's official Python client, py-clob-client-v2.

    python3 Benchmarks/python/clob_signing.py SWIFT_CHECK_JSON [--iterations N] [--also-coincurve]

SWIFT_CHECK_JSON is the output of the `PolymarketSigningCheck` executable: the order's inputs
(key, token, price, size, side, tick size, neg risk, API key) and the body the Swift adapter
signed for a fixed salt and timestamp. The script installs py-clob-client-v2 into a temporary
venv, then:

1. check: signs that order with the client (the fixed salt and timestamp substituted for the
   client's random salt and clock, nothing else) and requires the body to equal Swift's, byte
   for byte;
2. timing: N times `ClobClient.create_order` (amounts, salt, timestamp, EIP-712 typed data,
   signature) followed by the body as `post_order` serialises it (`order_to_json_v2` +
   `json.dumps`), with the client's own random salt and clock; then N signatures of a digest
   alone (`Account._sign_hash`, what the client signs with);
3. prints one `RESULT {json}` line per configuration.

The client is offline: its HTTP getter is replaced by an in-memory answer to `/tick-size`
(the only route `create_order` reads when tick size, neg risk and version are given) that
refuses every other route, as the Swift side's in-memory venue does. The tick size is then
cached by the client, so the timed orders make no request (checked).

With --also-coincurve the same venv then gets `coincurve` (libsecp256k1 bindings) and runs
again: eth-keys signs with it when it is installed, and with its pure-Python backend otherwise,
which is what `pip install py-clob-client-v2` gives.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CLIENT = "py-clob-client-v2==1.2.1"
COINCURVE = "coincurve==21.0.0"


def bootstrap(args: argparse.Namespace) -> int:
    """Creates the temporary venv, installs the client and runs this file inside it."""
    with tempfile.TemporaryDirectory(prefix="clob-signing-venv-") as venv:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        python = os.path.join(venv, "bin", "python")
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run(pip + [CLIENT], check=True)
        inner = [python, os.path.abspath(__file__), args.swift_check, "--iterations", str(args.iterations), "--inner"]
        subprocess.run(inner, check=True)
        if args.also_coincurve:
            subprocess.run(pip + [COINCURVE], check=True)
            subprocess.run(inner, check=True)
    return 0


def measure(args: argparse.Namespace) -> int:
    from eth_account import Account
    from eth_keys.backends import get_default_backend_class
    from py_clob_client_v2 import order_builder
    from py_clob_client_v2.client import ClobClient
    from py_clob_client_v2.clob_types import ApiCreds, OrderArgsV2, OrderType, PartialCreateOrderOptions
    from py_clob_client_v2.order_utils import exchange_order_builder_v2
    from py_clob_client_v2.order_utils.model.order_data_v2 import order_to_json_v2

    with open(args.swift_check) as handle:
        swift = json.load(handle)
    requests = []

    def offline_get(endpoint, headers=None, params=None):
        requests.append(endpoint)
        if endpoint.endswith("/tick-size") and params == {"token_id": swift["token_id"]}:
            return {"minimum_tick_size": float(swift["tick_size"])}
        raise RuntimeError(f"the benchmark is offline: no answer for {endpoint}")

    client = ClobClient(
        "http://clob.invalid", chain_id=swift["chain_id"], key=swift["private_key"],
        creds=ApiCreds(api_key=swift["api_key"], api_secret="unused", api_passphrase="unused"))
    client._get = offline_get
    order_args = OrderArgsV2(token_id=swift["token_id"], price=float(swift["price"]),
                             size=float(swift["size"]), side=swift["side"])
    options = PartialCreateOrderOptions(tick_size=swift["tick_size"], neg_risk=swift["neg_risk"], version=2)

    def signed_order_body() -> str:
        # create_order, then the body exactly as ClobClient.post_order serialises it.
        order = client.create_order(order_args, options)
        payload = order_to_json_v2(order, client.creds.api_key, OrderType.GTC, False, False)
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)

    # 1. The check: the client's salt source and clock give the fixed values, for this order only.
    salt_default, *other_defaults = exchange_order_builder_v2.ExchangeOrderBuilderV2.__init__.__defaults__
    real_time = order_builder.builder.time

    class FixedClock:
        @staticmethod
        def time_ns() -> int:
            return swift["timestamp_ms"] * 1_000_000

    exchange_order_builder_v2.ExchangeOrderBuilderV2.__init__.__defaults__ = (
        lambda: str(swift["salt"]), *other_defaults)
    order_builder.builder.time = FixedClock
    try:
        check_body = signed_order_body()
    finally:
        exchange_order_builder_v2.ExchangeOrderBuilderV2.__init__.__defaults__ = (salt_default, *other_defaults)
        order_builder.builder.time = real_time
    if check_body != swift["body"]:
        print("check FAILED: py-clob-client-v2's body differs from the Swift adapter's", file=sys.stderr)
        print(f"  python: {check_body}\n  swift:  {swift['body']}", file=sys.stderr)
        return 1
    backend = get_default_backend_class().rsplit(".", 1)[-1]
    print(f"check: py-clob-client-v2 ({backend}) body == Swift body, {len(check_body)} bytes, "
          f"salt {swift['salt']}, timestamp {swift['timestamp_ms']} ms, signature "
          f"{json.loads(check_body)['order']['signature'][:12]}…")

    # 2. The timing, with the client's own salt and clock.
    requests_before = len(requests)
    orders = time_each(signed_order_body, args.iterations)
    if len(requests) != requests_before:
        print(f"timed orders made {len(requests) - requests_before} requests", file=sys.stderr)
        return 1
    digest = bytes([0x5A] * 32)
    key = swift["private_key"]
    signatures = time_each(lambda: Account._sign_hash(digest, private_key=key), args.iterations)

    print("RESULT " + json.dumps({
        "client": CLIENT, "ecc_backend": backend, "python": sys.version.split()[0],
        "iterations": args.iterations, "order": summary(orders), "sign": summary(signatures),
    }))
    return 0


def time_each(work, iterations: int) -> list:
    """Wall time of each call in nanoseconds, after a warm-up of a tenth as many calls."""
    for _ in range(max(iterations // 10, 1)):
        work()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        started = clock()
        work()
        samples.append(clock() - started)
    return samples


def summary(samples: list) -> dict:
    """p50 and mean in microseconds, and operations per second from each."""
    p50 = statistics.median(samples)
    mean = statistics.fmean(samples)
    return {"p50_us": round(p50 / 1_000, 3), "mean_us": round(mean / 1_000, 3),
            "ops_per_s_p50": round(1e9 / p50, 1), "ops_per_s_mean": round(1e9 / mean, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("swift_check", help="output of the PolymarketSigningCheck executable (a JSON file)")
    parser.add_argument("--iterations", type=int, default=2_000)
    parser.add_argument("--also-coincurve", action="store_true", help="run again with coincurve installed")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return measure(args) if args.inner else bootstrap(args)


if __name__ == "__main__":
    sys.exit(main())

"""Does the bot ack Slack within its 3 seconds under load, and how fast do answers appear?

Runs `serve --http`'s stack (waitress + Bolt) on loopback twice in the same run:
- journeybot: process_before_response=True, a large listener executor, trivial ack + lazy work;
- baseline: Bolt's defaults (process_before_response=False, 5-thread executor), the same
  work done synchronously inside the listener after ack(), as a first Bolt app is written.

Measures the ack latency of 200 signed `/kpi nps` requests at concurrency 1 and 20, and the
time from an @mention to the answer reaching the Slack stand-in (chat.update), extractive
mode. Targets: ack p99 ≤ 300 ms at concurrency 20; mention → answer p95 ≤ 2 s.

    .venv/bin/python benchmarks/slack_ack.py [--requests 200] [--mentions 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from machine import machine

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests.* helpers are not installed with the package

from slack_bolt import App, BoltContext  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.listeners.commands.kpi import answer_kpi  # noqa: E402
from bot.listeners.events.app_mention import answer_mention  # noqa: E402
from bot.services import CONTEXT_KEY, Services  # noqa: E402
from bot.slack.app import build_app  # noqa: E402
from bot.slack.client import make_client  # noqa: E402
from bot.slack.server import create_server, stop_server  # noqa: E402
from tests.bot.bot_harness import SIGNING_SECRET, bot_settings, sign  # noqa: E402
from tests.slack_web_api import SlackWebApi, start_slack_web_api  # noqa: E402


def baseline_app(settings: Settings) -> App:
    """Bolt as its README starts you off: defaults, work done inside the listener."""
    svc = Services.from_settings(settings)
    app = App(signing_secret=SIGNING_SECRET, client=make_client(settings))

    @app.middleware
    def attach(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
        context[CONTEXT_KEY] = svc.key
        next()

    @app.command("/kpi")
    def kpi(ack, command, client, context, respond) -> None:  # noqa: ANN001
        ack()
        answer_kpi(command, client, context, respond)

    @app.event("app_mention")
    def mention(ack, event, client, context) -> None:  # noqa: ANN001
        ack()
        answer_mention(event, client, context)

    app.services = svc  # type: ignore[attr-defined]
    return app


def post(url: str, body: bytes, content_type: str) -> float:
    ts = int(time.time())
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts),
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except Exception:  # noqa: BLE001 (a failed/late ack counts as Slack's 3 s timeout)
        return max(time.perf_counter() - started, 3.0)
    return time.perf_counter() - started


def kpi_body(api: SlackWebApi, i: int) -> bytes:
    form = {
        "command": "/kpi",
        "text": "nps 90d",
        "user_id": f"U{i:05d}",
        "channel_id": "C0BENCH",
        "team_id": "T0TEST01",
        "response_url": api.response_url(f"kpi{i}"),
        "trigger_id": "1.2.3",
    }
    return urlencode(form).encode()


def mention_body(i: int) -> tuple[bytes, str]:
    ts = f"{1_800_000_000 + i}.000100"
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@UBOT0001> How do we measure customer churn?",
        "ts": ts,
        "channel": "C0BENCH",
        "event_ts": ts,
    }
    payload = {
        "type": "event_callback",
        "team_id": "T0TEST01",
        "api_app_id": "A0TEST01",
        "event_id": f"EvBench{i}-{time.time_ns()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TEST01", "user_id": "UBOT0001", "is_bot": True}],
        "event": event,
    }
    return json.dumps(payload).encode(), ts


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": pct(95) * 1000,
        "p99": pct(99) * 1000,
        "max": ordered[-1] * 1000,
    }


def measure_acks(url: str, api: SlackWebApi, requests: int, concurrency: int) -> list[float]:
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [
            pool.submit(post, url, kpi_body(api, i), "application/x-www-form-urlencoded")
            for i in range(requests)
        ]
        return [f.result() for f in futures]


def measure_mentions(url: str, api: SlackWebApi, count: int) -> list[float]:
    """Sequential mentions: time from sending the event to the answer's chat.update."""
    times: list[float] = []
    for i in range(count):
        body, ts = mention_body(i)
        sent = time.monotonic()
        post(url, body, "application/json")
        placeholder = api.wait_for(
            "chat.postMessage", where=lambda c, ts=ts: c.params.get("thread_ts") == ts, timeout=60
        )[0]
        [update] = api.wait_for(
            "chat.update", where=lambda c, p=placeholder: c.at >= p.at, timeout=60
        )
        times.append(update.at - sent)
    return times


def run(name: str, app: App, api: SlackWebApi, args: argparse.Namespace) -> dict:
    server = create_server(app, "127.0.0.1", 0, threads=16)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    results: dict = {}
    try:
        post(url, kpi_body(api, 99_999), "application/x-www-form-urlencoded")  # warm-up
        api.wait_for("files.completeUploadExternal", timeout=60)
        body, _ = mention_body(99_999)
        post(url, body, "application/json")
        api.wait_for("chat.update", timeout=60)
        for concurrency in (1, 20):
            api.clear()
            acks = measure_acks(url, api, args.requests, concurrency)
            late = sum(1 for a in acks if a >= 3.0)
            results[f"ack_c{concurrency}"] = {**percentiles(acks), "over_3s": late}
            # let this round's lazy work (figures + chart uploads) finish before the next
            api.wait_for("files.completeUploadExternal", count=args.requests, timeout=600)
        api.clear()
        results["mention_to_answer"] = percentiles(measure_mentions(url, api, args.mentions))
    finally:
        stop_server(server, thread)
    print(f"\n{name}")
    for key, value in results.items():
        figures = ", ".join(
            f"{k} {v:.0f}" + (" ms" if k != "over_3s" else "") for k, v in value.items()
        )
        print(f"  {key:18} {figures}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--mentions", type=int, default=30)
    args = parser.parse_args()

    from knowledge.knowledge_base import KnowledgeBase
    from metrics.db import connect
    from metrics.demo import seed_demo

    home = Path(tempfile.mkdtemp(prefix="journeybot-bench-"))
    api, stop_api = start_slack_web_api()
    settings = bot_settings(api, home, f"sqlite:///{home / 'metrics.db'}", listener_threads=32)
    seed_demo(connect(settings.metrics_database_url))
    started = time.perf_counter()
    KnowledgeBase(
        settings.index_path,
        chroma_host=None,
        chroma_port=8000,
        embedding_model="wordllama",
        llm_model=None,
        llm_timeout_seconds=5,
        max_question_chars=2000,
    ).ingest([ROOT / "knowledge" / "corpus"])
    print(f"ingested the starter corpus in {time.perf_counter() - started:.1f} s")
    print(f"machine: {machine()}")
    print(f"{args.requests} signed /kpi requests per concurrency level; {args.mentions} mentions")

    ours = run(
        "journeybot (process_before_response + lazy + 32 threads)",
        build_app(Services.from_settings(settings)),
        api,
        args,
    )
    base = run(
        "baseline (Bolt defaults, work inside the listener)", baseline_app(settings), api, args
    )
    stop_api()

    print("\nratios (baseline / journeybot, higher = journeybot faster)")
    for key in ("ack_c1", "ack_c20", "mention_to_answer"):
        for stat in ("p50", "p95", "p99"):
            if stat in ours[key] and ours[key][stat] > 0:
                print(f"  {key:18} {stat}: {base[key][stat] / ours[key][stat]:.1f}x")
    ok_ack = ours["ack_c20"]["p99"] <= 300
    ok_answer = ours["mention_to_answer"]["p95"] <= 2000
    print(f"\ntarget ack p99 ≤ 300 ms at concurrency 20: {'met' if ok_ack else 'MISSED'}")
    print(f"target mention → answer p95 ≤ 2 s: {'met' if ok_answer else 'MISSED'}")


if __name__ == "__main__":
    main()

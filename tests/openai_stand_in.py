"""A local stand-in for the OpenAI chat-completions endpoint, served over loopback HTTP.

LangChain's ChatOpenAI talks to it for real (point `base_url` / OPENAI_BASE_URL at
`stand_in.base_url`), so the LLM answerer's HTTP, timeout and error handling run
unchanged; only the paid model is replaced. Each request's prompt goes to `reply`, which
returns what the "model" does: a text, an HTTP error status, or a delay first.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    text: str = ""
    status: int = 200
    delay_seconds: float = 0.0


@dataclass
class StandIn:
    base_url: str
    reply: Callable[[str], Behaviour]
    prompts: list[str] = field(default_factory=list)


def _completion(text: str, model: str) -> dict[str, object]:
    return {
        "id": "chatcmpl-stand-in",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def openai_stand_in(reply: Callable[[str], Behaviour]) -> Iterator[StandIn]:
    """Serves POST /v1/chat/completions on 127.0.0.1 (a free port) while in the block."""
    stand_in = StandIn(base_url="", reply=reply)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            prompt = "\n".join(str(message.get("content", "")) for message in body["messages"])
            stand_in.prompts.append(prompt)
            behaviour = stand_in.reply(prompt)
            time.sleep(behaviour.delay_seconds)
            if self.path.rstrip("/") != "/v1/chat/completions":
                behaviour = Behaviour(status=404, text="unknown endpoint")
            if behaviour.status != 200:
                payload = {
                    "error": {"message": behaviour.text or "stand-in error", "type": "server_error"}
                }
            else:
                payload = _completion(behaviour.text, body.get("model", "stand-in"))
            data = json.dumps(payload).encode()
            try:
                self.send_response(behaviour.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests): nothing to tell it

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: test output stays readable."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()

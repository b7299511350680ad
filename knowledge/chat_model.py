"""The one chat model (LangChain `init_chat_model`): built once, called with a hard deadline.

Answers (knowledge/llm_answer.py) and story narratives (bot/stories/writer.py) both use this,
so the provider quirks live here once: Ollama takes its timeout in `client_kwargs`, every
call waits on a worker thread at most `timeout_seconds` (a hung provider cannot hold a Slack
request), and a model that cannot be loaded is a configuration error in one sentence.
A provider's missing API key is reported when the model is built, for every provider alike:
LangChain's OpenAI client refuses at construction, its Anthropic client only at the first call.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from knowledge.errors import KnowledgeError

ACCEPTED_FORMS = "openai:<model>, anthropic:<model> or ollama:<model>"
_NO_LLM = "or leave LLM_MODEL empty for extractive answers"
#: provider → the environment variable its LangChain client reads the API key from.
PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "google_genai": "GOOGLE_API_KEY",
    "mistralai": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
}
_WORKERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")


class LlmUnavailable(KnowledgeError):
    """LLM_MODEL names a model that cannot be loaded (unknown provider, package or key)."""


class LlmFailed(Exception):
    """The model errored, timed out or gave an answer without a valid citation."""

    def __init__(self, reason: str, *, kind: str = "error") -> None:
        super().__init__(reason)
        self.kind = kind  # "timeout" | "error" | "ungrounded"


def provider_of(model: str) -> str:
    """`openai:gpt-4o-mini` → openai; bare names as LangChain infers them (gpt-…, claude-…)."""
    if ":" in model:
        return model.partition(":")[0].lower()
    if model.startswith(("gpt-", "o1", "o3", "o4")):
        return "openai"
    return "anthropic" if model.startswith("claude") else ""


class ChatModel:
    """A loaded chat model; `complete` makes one call within the deadline."""

    def __init__(self, model: str, timeout_seconds: float) -> None:
        self.model = model
        self.timeout_seconds = timeout_seconds
        self._chat = _load(model, timeout_seconds)

    def complete(self, prompt: str, *, temperature: float | None = None) -> str:
        """The reply's text; LlmFailed (kind "timeout" or "error") when there is none."""
        chat = self._chat if temperature is None else self._chat.bind(temperature=temperature)
        future = _WORKERS.submit(chat.invoke, prompt)
        try:
            return _text(future.result(timeout=self.timeout_seconds)).strip()
        except FutureTimeout as error:
            future.cancel()
            raise LlmFailed("timed out", kind="timeout") from error
        except Exception as error:  # any provider error means: go on without the model
            timed_out = "timeout" in type(error).__name__.lower() or "timed out" in str(error)
            kind = "timeout" if timed_out else "error"
            raise LlmFailed(f"{type(error).__name__}: {error}", kind=kind) from error


def _load(model: str, timeout_seconds: float) -> Any:  # noqa: ANN401 (a LangChain chat model)
    """The chat model at temperature 0, or LlmUnavailable in one sentence."""
    key = PROVIDER_KEYS.get(provider_of(model))
    if key and not os.environ.get(key):
        raise LlmUnavailable(
            f"LLM_MODEL={model!r} cannot be loaded: {key} is not set; set it to the "
            f"provider's API key, {_NO_LLM}."
        )
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = (
        {"client_kwargs": {"timeout": timeout_seconds}}
        if model.startswith("ollama:")
        else {"timeout": timeout_seconds, "max_retries": 0}
    )
    try:
        return init_chat_model(model, temperature=0, **kwargs)
    except ValueError as error:  # "Unable to infer model provider …" + a list of 30 names
        raise LlmUnavailable(
            f"LLM_MODEL={model!r} names no model provider; write it as {ACCEPTED_FORMS}, {_NO_LLM}."
        ) from error
    except Exception as error:  # a missing package or API key; SDKs raise their own types
        raise LlmUnavailable(
            f"LLM_MODEL={model!r} cannot be loaded ({type(error).__name__}: "
            f"{_first_line(error)}); install the provider's package and set its API key, "
            f"{_NO_LLM}."
        ) from error


def _first_line(error: Exception, limit: int = 200) -> str:
    line = (str(error).strip().splitlines() or [""])[0].strip().rstrip(".")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _text(message: Any) -> str:  # noqa: ANN401 (an AIMessage or a plain string)
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    return "".join(
        block.get("text", "") if isinstance(block, dict) else str(block) for block in content
    )

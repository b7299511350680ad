"""The optional LLM answerer (LangChain `init_chat_model`), grounded in retrieved passages.

The model gets the passages numbered [1]…[n] (prompts/answer.md) and must cite them.
Citation numbers that point at no passage are dropped; an answer left with no valid
citation is treated as ungrounded, and the caller falls back to the extractive answer.
Every call has a hard deadline (`timeout_seconds`), enforced both by the provider client
and by waiting on a worker thread, so a hung provider cannot hold a Slack request.
A model that cannot even be loaded (LLM_MODEL=bogus, a missing API key) is a configuration
error, not a reason to fall back quietly: LlmUnavailable says so in one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import prompts
from knowledge.answer import clean_passage, source_of
from knowledge.chat_model import ChatModel, LlmFailed, LlmUnavailable
from knowledge.models import Answer, Hit

__all__ = ["LlmAnswerer", "LlmFailed", "LlmReply", "LlmUnavailable", "ground"]

NOT_IN_SOURCES = "NOT_IN_SOURCES"
PASSAGES_GIVEN = 6
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# A sentence runs to its end mark and any citations after it ("… you. [1] It …").
_SENTENCE = re.compile(r".+?(?:[.!?]+(?:\s*\[\d+(?:\s*,\s*\d+)*\])*(?=\s|$)|$)")


@dataclass
class LlmReply:
    """Either an answer grounded in the passages, or the model's "not in the sources"."""

    answer: Answer | None  # None: the model said the passages don't answer the question


class LlmAnswerer:
    """Answers and translations over the one chat model; each makes one call."""

    def __init__(self, chat: ChatModel) -> None:
        self.chat = chat

    def _complete(self, prompt: str) -> str:
        return self.chat.complete(prompt)

    def check(self) -> None:
        """One tiny call, for `journeybot doctor`; raises LlmFailed when there is no answer."""
        self._complete("Reply with the single word OK.")

    def translate(self, question: str) -> list[str]:
        """The question in da/no/sv/en for retrieval; [] if the model fails (not fatal)."""
        prompt = prompts.load("translate_question").replace("{question}", question)
        try:
            reply = self._complete(prompt)
        except LlmFailed:
            return []
        lines = [line.strip(" -•\t") for line in reply.splitlines()]
        return [line for line in lines if line and line != question][:4]

    def answer(self, question: str, language: str, hits: list[Hit]) -> LlmReply:
        """A cited answer in `language`, or LlmReply(None) when the sources don't answer."""
        given = hits[:PASSAGES_GIVEN]
        passages = "\n\n".join(
            f"[{n}] {hit.chunk.title} — {hit.chunk.section}\n{' '.join(clean_passage(hit.chunk.text).split())}"
            for n, hit in enumerate(given, start=1)
        )
        prompt = (
            prompts.load("answer")
            .replace("{language_name}", prompts.language_name(language))
            .replace("{question}", question)
            .replace("{passages}", passages)
        )
        reply = self._complete(prompt)
        if reply.strip().strip(".") == NOT_IN_SOURCES:
            return LlmReply(None)
        return LlmReply(ground(reply, language, given))


def ground(reply: str, language: str, hits: list[Hit]) -> Answer:
    """The reply's sentences that cite a retrieved passage, renumbered 1…k in order of
    first use and matched by a `sources` list in that order; LlmFailed if none is left.

    The prompt asks for a citation after every sentence, so a sentence that carries no
    valid one ("Invented claim. [9]", or none at all) rests on nothing and is dropped
    whole, not just its bad marker."""
    renumber: dict[int, int] = {}

    def rewrite(match: re.Match[str]) -> str:
        kept = []
        for number in (int(part) for part in match.group(1).split(",")):
            if 1 <= number <= len(hits):
                renumber.setdefault(number, len(renumber) + 1)
                kept.append(f"[{renumber[number]}]")
        return "".join(dict.fromkeys(kept))

    lines = []
    for line in reply.splitlines():
        kept = [
            _CITATION.sub(rewrite, sentence)
            for sentence in (found.strip() for found in _SENTENCE.findall(line))
            if _cites_a_passage(sentence, len(hits))
        ]
        if kept:
            lines.append(" ".join(kept))
    text = "\n".join(lines)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    if not renumber:
        raise LlmFailed("the answer cites no retrieved passage", kind="ungrounded")
    sources = [source_of(hits[number - 1]) for number in renumber]
    return Answer(answered=True, answer=text, language=language, sources=sources)


def _cites_a_passage(sentence: str, passages: int) -> bool:
    return any(
        1 <= int(number) <= passages
        for match in _CITATION.finditer(sentence)
        for number in match.group(1).split(",")
    )

"""`journeybot ask`: the human output, the --json contract and the JSONL batch mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.config import load_settings
from bot.services import Services
from knowledge.knowledge_base import KnowledgeBase
from tests.knowledge.hand_made import MemoryIndex, chunks


def run(base: KnowledgeBase, args: list[str], input: str | None = None) -> Result:
    """`journeybot ARGS` with the composition root holding `base` as its knowledge base."""
    services = Services.from_settings(load_settings(), knowledge_base=base)
    return CliRunner().invoke(main, args, input=input, obj=services)


@pytest.fixture
def knowledge_base(home: Path) -> KnowledgeBase:
    """The CLI's knowledge base, over hand-made passages."""
    return KnowledgeBase(home / "index", index=MemoryIndex(chunks()))


def test_ask_json_prints_exactly_the_documented_contract(knowledge_base: KnowledgeBase) -> None:
    result = run(knowledge_base, ["ask", "How is NPS measured?", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)

    assert {"answered", "answer", "language", "sources"} <= set(payload)
    assert payload["answered"] is True and payload["language"] == "en"
    assert isinstance(payload["answer"], str) and "[1]" in payload["answer"]
    for source in payload["sources"]:
        assert {"title", "source", "snippet", "score"} <= set(source)
        assert isinstance(source["score"], float)
    assert payload["sources"][0]["title"] == "Net Promoter Score"


def test_ask_prints_the_answer_with_numbered_sources_and_the_note(
    knowledge_base: KnowledgeBase,
) -> None:
    result = run(knowledge_base, ["ask", "How is NPS measured?"])
    assert result.exit_code == 0, result.output
    assert (
        "Sources:\n[1] Net Promoter Score — Slik måles NPS (hand-made/net-promoter-score.md)"
        in result.output
    )
    assert result.output.rstrip().endswith("The sources are in Norwegian; the answer quotes them.")


def test_a_bad_question_is_one_error_sentence_and_exit_code_1(
    knowledge_base: KnowledgeBase,
) -> None:
    result = run(knowledge_base, ["ask", "x" * 50_000])
    assert result.exit_code == 1
    assert result.output.startswith("Error: The question is 50,000 characters long")
    assert "Traceback" not in result.output


def test_batch_mode_answers_each_stdin_line_as_one_json_object_and_survives_bad_lines(
    knowledge_base: KnowledgeBase,
) -> None:
    lines = "How is NPS measured?\n🙂🙂\nWhat is the capital of France?\n"
    result = run(knowledge_base, ["ask", "--json", "-"], input=lines)
    assert result.exit_code == 2, result.output  # some line failed; the others are answered

    answers = [json.loads(line) for line in result.output.splitlines()]
    assert len(answers) == 3
    assert answers[0]["answered"] is True
    assert answers[1] == {"line": 2, "error": answers[1]["error"]}
    assert "only emoji or symbols" in answers[1]["error"]
    assert answers[2]["answered"] is False and answers[2]["sources"] == []


def test_an_empty_knowledge_base_is_an_error_sentence_not_a_traceback(home: Path) -> None:
    empty = KnowledgeBase(home / "index", index=MemoryIndex([]))
    result = run(empty, ["ask", "What is churn?", "--json"])
    assert result.exit_code == 1
    message = (
        "The knowledge base is empty: add documents with `journeybot ingest PATH` "
        f"(or run `journeybot demo`); it looked in {home / 'index'} (set JOURNEYBOT_HOME "
        "if yours is elsewhere)."
    )
    assert json.loads(result.stdout) == {"error": message}
    assert result.stderr == f"Error: {message}\n"


def test_a_batch_with_only_good_lines_exits_0(knowledge_base: KnowledgeBase) -> None:
    result = run(knowledge_base, ["ask", "--json", "-"], input="How is NPS measured?\n")
    assert result.exit_code == 0, result.output


def test_a_batch_that_cannot_start_prints_the_error_as_json_and_exits_1(home: Path) -> None:
    empty = KnowledgeBase(home / "index", index=MemoryIndex([]))
    result = run(empty, ["ask", "--json", "-"], input="What is churn?\nAnd NPS?\n")
    assert result.exit_code == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"error": result.stderr.removeprefix("Error: ").rstrip("\n")}
    ]
    assert "knowledge base is empty" in result.stderr


@pytest.mark.parametrize("question", ["What is churn?", "-"])
def test_a_bogus_llm_model_fails_before_any_question_in_one_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    monkeypatch.setenv("LLM_MODEL", "bogus")
    result = CliRunner().invoke(main, ["ask", "--json", question], input="What is churn?\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    error = json.loads(result.stdout)["error"]
    assert error.startswith("LLM_MODEL='bogus' names no model provider")
    assert result.stderr == f"Error: {error}\n"


# --- end to end: the real index under a temporary JOURNEYBOT_HOME -------------------------


@pytest.mark.slow
def test_journeybot_ask_answers_from_ingested_articles_in_the_json_contract(
    home: Path, documents_dir: Path
) -> None:
    runner = CliRunner()
    ingested = runner.invoke(main, ["ingest", str(documents_dir)])
    assert ingested.exit_code == 0, ingested.output

    lines = "Hvad betyder løst første gang i kundeservice?\n\nWhat is the capital gains tax rate in the UK?\n🙂\n"
    batch = runner.invoke(main, ["ask", "--json", "-"], input=lines)
    assert batch.exit_code == 2, batch.output  # the 🙂 line

    first, off_topic, bad = (json.loads(line) for line in batch.stdout.splitlines())
    assert first["answered"] is True and first["language"] == "da"
    assert first["sources"] and all(
        source["source"].endswith(".txt") and len(source["snippet"]) <= 240
        for source in first["sources"]
    )
    assert "[1]" in first["answer"] and len(first["answer"]) <= 700
    assert off_topic["answered"] is False and off_topic["language"] == "en"
    assert off_topic["sources"] == []
    assert bad["line"] == 4 and "only emoji or symbols" in bad["error"]


@pytest.mark.slow
def test_a_new_process_answers_from_an_ingested_index_without_loading_chroma_or_sqlalchemy(
    home: Path, documents_dir: Path
) -> None:
    """A process's first answer comes from the index's caches, which the ingest left
    current: importing chromadb and opening the store (and the metrics stack) would cost a
    `journeybot ask` more than a second of its 1.5 s budget (benchmarks/startup.py)."""
    ingested = CliRunner().invoke(main, ["ingest", str(documents_dir)])
    assert ingested.exit_code == 0, ingested.output
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main(['ask', '--json', sys.argv[1]])\n"
        "finally:\n"
        "    loaded = ('chromadb', 'sqlalchemy', 'slack_bolt')\n"
        "    print(sorted(m for m in loaded if m in sys.modules), file=sys.stderr)\n"
    )
    question = "Hvad betyder løst første gang i kundeservice?"
    asked = subprocess.run(
        [sys.executable, "-c", probe, question], capture_output=True, text=True, timeout=120
    )
    assert asked.returncode == 0, asked.stderr
    assert asked.stderr.strip() == "[]"
    in_process = CliRunner().invoke(main, ["ask", "--json", question])
    assert json.loads(asked.stdout) == json.loads(in_process.output)
    assert json.loads(asked.stdout)["answered"] is True

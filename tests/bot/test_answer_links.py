"""Citations people can open, from document to Slack message and CLI: each source is a link
`<url|Title — Section>` where a URL is known (front matter, or SOURCE_URL_MAP for a wiki
export), the `[n]` markers open the source they number, and otherwise the source is named
by its path relative to the ingested folder. No server path reaches any surface, and a
hostile URL never becomes a link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.views.answer import answer_blocks, source_line
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import Answer, Source
from tests.bot.bot_harness import BotServer, block_text, mention

WIKI = "https://wiki.example.com/display/CX/"
DOCS = {
    "policies/returns.md": (
        "---\ntitle: Returns policy\nurl: https://intranet.example.com/policies/returns\n---\n\n"
        "## Unused products\n\n"
        "Customers may return an unused product within thirty days of delivery for a full "
        "refund. The refund is paid to the card the order was paid with.\n"
    ),
    "confluence/Customer success/Onboarding calls.md": (
        "# Onboarding calls\n\n"
        "Every new business customer gets an onboarding call from the success team in the "
        "first week. The call walks through the dashboard and the support channels.\n"
    ),
    "handbook/warranty.md": (
        "# Warranty claims\n\n"
        "A warranty claim for a broken device is filed through the service portal with the "
        "serial number and a photo of the damage.\n"
    ),
    "handbook/gift-cards.md": (
        "---\ntitle: Gift cards\nurl: javascript:alert(document.cookie)\n---\n\n"
        "Gift cards are sold in the web shop and are valid for three years after purchase.\n"
    ),
    "handbook/invoices.md": (
        "---\ntitle: 'Invoices <!channel> & more'\n"
        "url: https://wiki.example.com/billing?page=invoices&lang=en\n---\n\n"
        "Invoices are sent by email on the first working day of each month.\n"
    ),
}


@pytest.fixture
def cited_home(tmp_path: Path) -> Path:
    """A JOURNEYBOT_HOME whose index holds DOCS, ingested from tmp_path/docs."""
    home = tmp_path / "cited-home"
    docs = tmp_path / "docs"
    for name, text in DOCS.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    report = KnowledgeBase(home / "index").ingest([docs])
    assert report.added == len(DOCS), report
    return home


def _ask(bot: BotServer, ts: str, question: str) -> tuple[str, str]:
    """Mention the bot; the answer's block text and the whole chat.update call as JSON."""
    bot.event(mention(ts, f"<@UBOT0001> {question}"), event_id=f"Ev{ts}")
    [update] = bot.api.wait_for("chat.update")
    return block_text(update), json.dumps(update.params, ensure_ascii=False)


@pytest.fixture
def bot(make_bot, cited_home: Path) -> BotServer:
    made: BotServer = make_bot(home=cited_home, source_url_map=f"confluence/={WIKI}")
    return made


def test_a_front_matter_url_makes_the_source_a_link_that_the_marker_opens_too(
    bot: BotServer, tmp_path: Path
) -> None:
    text, call = _ask(bot, "100.1", "What is the returns policy?")
    url = "https://intranet.example.com/policies/returns"
    assert f"1. <{url}|Returns policy — Unused products>" in text
    assert re.search(rf"refund\. <{re.escape(url)}\|\[1\]>", text), text
    assert str(tmp_path) not in call and "policies/returns.md" not in text


def test_a_mapped_folder_links_to_its_wiki_page_with_the_path_url_quoted(bot: BotServer) -> None:
    text, _ = _ask(bot, "100.2", "What happens in the onboarding call?")
    page = f"{WIKI}Customer%20success/Onboarding%20calls.md"
    assert f"1. <{page}|Onboarding calls>" in text


def test_without_a_url_the_title_and_the_path_relative_to_the_ingested_folder_are_shown(
    bot: BotServer, tmp_path: Path
) -> None:
    text, call = _ask(bot, "100.3", "How do I file a warranty claim?")
    assert "1. *Warranty claims* · `handbook/warranty.md`" in text
    assert "[1]" in text and "|[1]>" not in text
    assert str(tmp_path) not in call


def test_a_javascript_url_in_front_matter_links_nothing(bot: BotServer) -> None:
    text, call = _ask(bot, "100.4", "How long are gift cards valid?")
    assert "1. *Gift cards* · `handbook/gift-cards.md`" in text
    assert "javascript" not in call.lower()
    assert "<" not in text.replace("<@", "")  # no link of any kind


def test_a_hostile_title_is_escaped_inside_its_link_and_the_url_ampersand_encoded(
    bot: BotServer,
) -> None:
    text, _ = _ask(bot, "100.5", "How are invoices sent?")
    assert (
        "1. <https://wiki.example.com/billing?page=invoices&amp;lang=en|"
        "Invoices &lt;!channel&gt; &amp; more>"
    ) in text
    assert "<!channel>" not in text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example|the official form",
        "https://evil.example/>x",
        "https://ok.example/\n<!channel>",
    ],
)
def test_a_hostile_url_on_a_source_never_becomes_a_link_in_the_list_or_the_marker(
    url: str,
) -> None:
    """Sources that bypassed ingest (an old feedback row, a future source of sources)."""
    source = Source(title="T", source="doc.md", snippet="", score=1.0, section="S", url=url)
    blocks = answer_blocks(
        Answer(answered=True, answer="Claim. [1]", language="en", sources=[source])
    )
    shown = json.dumps(blocks)
    assert "evil" not in shown and "javascript" not in shown and "<!channel>" not in shown
    assert blocks[0]["text"]["text"] == "Claim. [1]"
    assert blocks[-1]["elements"][1]["text"] == "1. *T* — S · `doc.md`"


def test_a_link_too_long_for_its_block_is_not_built_rather_than_cut() -> None:
    url = "https://wiki.example.com/" + "a" * 1990
    source = Source(title="T" * 500, source="doc.md", snippet="", score=1.0, url=url)
    line = source_line(1, source)
    assert "<" not in line and line.endswith("`doc.md`")
    assert source_line(1, source.model_copy(update={"url": "https://a.example/"})) == (
        f"1. <https://a.example/|{'T' * 199}…>"
    )


def test_the_cli_prints_the_url_or_the_relative_path_and_json_carries_both(
    cited_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEYBOT_HOME", str(cited_home))
    monkeypatch.setenv("SOURCE_URL_MAP", f"confluence/={WIKI}")
    runner = CliRunner()
    text = runner.invoke(main, ["ask", "What is the returns policy?"])
    assert text.exit_code == 0, text.output
    assert (
        "[1] Returns policy — Unused products (https://intranet.example.com/policies/returns)"
        in text.output
    )
    plain = runner.invoke(main, ["ask", "How do I file a warranty claim?"])
    assert "[1] Warranty claims (handbook/warranty.md)" in plain.output

    batch = runner.invoke(
        main,
        ["ask", "--json", "-"],
        input="What is the returns policy?\nWhat happens in the onboarding call?\n"
        "How do I file a warranty claim?\n",
    )
    assert batch.exit_code == 0, batch.output
    sources = [json.loads(line)["sources"][0] for line in batch.output.splitlines()]
    assert [(s["source"], s["url"]) for s in sources] == [
        ("policies/returns.md", "https://intranet.example.com/policies/returns"),
        (
            "confluence/Customer success/Onboarding calls.md",
            f"{WIKI}Customer%20success/Onboarding%20calls.md",
        ),
        ("handbook/warranty.md", None),
    ]
    for output in (text.output, plain.output, batch.output):
        assert str(tmp_path) not in output

"""The one escaper for untrusted text in Slack mrkdwn, the link builder, and Slack markup read
back as plain text (bot/views/mrkdwn.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.answer import answer_blocks
from bot.views.mrkdwn import escape, link, plain
from knowledge.models import Answer, Source

ZWJ = "\u200d"


def test_escape_turns_markup_into_text_and_neutralises_broadcast_words() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert escape("@here, @Channel and @everyone!") == (
        f"@{ZWJ}here, @{ZWJ}Channel and @{ZWJ}everyone!"
    )


def test_an_email_address_or_a_longer_word_is_not_a_broadcast_word() -> None:
    assert escape("write to team@here.example or @heretic") == (
        "write to team@here.example or @heretic"
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://files.example/x",
        "https://evil.example|the official form",
        "https://evil.example/>x",
        "https://evil.example/ x",
        "https://",
        "//evil.example",
    ],
)
def test_only_plain_http_urls_become_links(url: str) -> None:
    shown = link(url, "the official form")
    assert not shown.startswith("<") and "<" not in shown


def test_a_link_label_is_escaped_and_an_ampersand_in_the_url_is_encoded() -> None:
    assert link("https://a.example/?x=1&y=2", "<!here> form") == (
        "<https://a.example/?x=1&amp;y=2|&lt;!here&gt; form>"
    )


def test_a_source_that_is_not_a_plain_http_url_is_shown_as_code_not_linked() -> None:
    sources = [
        Source(title="T", source="javascript:alert(1)", snippet="", score=1.0),
        Source(title="T", source="https://evil.example|the official form", snippet="", score=1.0),
    ]
    blocks = answer_blocks(Answer(answered=True, answer="x", language="en", sources=sources))
    lines = [e["text"] for e in blocks[-1]["elements"]][1:]
    assert lines == [
        "1. *T* · `javascript:alert(1)`",
        "2. *T* · `https://evil.example|the official form`",
    ]


@pytest.mark.parametrize(
    ("slack", "written"),
    [
        ("Tak &lt;3 &amp; hej", "Tak <3 & hej"),
        ("<@U0BOB> helped", "@U0BOB helped"),
        ("<@U0BOB|bob> helped", "@bob helped"),
        ("see <#C0GENERAL|general>", "see #general"),
        ("<!here> and <!channel>", "@here and @channel"),
        ("<!subteam^S0ADMINS|@admins>", "@admins"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<https://a.example|the form>", "the form (https://a.example)"),
        ("<https://a.example>", "https://a.example"),
        ("<mailto:ann@a.example|ann@a.example>", "ann@a.example"),
    ],
)
def test_slack_markup_reads_back_as_what_the_person_wrote(slack: str, written: str) -> None:
    assert plain(slack) == written


@given(st.text())
def test_text_slack_sent_in_its_markup_is_escaped_exactly_once_on_the_way_back(text: str) -> None:
    as_slack_sends_it = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert plain(as_slack_sends_it) == text

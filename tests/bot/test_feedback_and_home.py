"""👍/👎 stored and exported; App Home published with KPIs and the last story."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from bot.answering.feedback import store_answer
from bot.cli import main
from bot.listeners.events.app_home_opened import HEADLINE_KPIS
from knowledge.models import Answer, Source
from metrics.db import connect
from metrics.feedback import export_csv
from tests.bot.bot_harness import BotServer, seed_nps


def stored_answer(database_url: str) -> int:
    answer = Answer(
        answered=True,
        answer="NPS is promoters minus detractors.",
        language="en",
        sources=[Source(title="NPS", source="nps.md", snippet="…", score=1.0, section="How")],
    )
    return store_answer(
        connect(database_url),
        user_id="U0ALICE",
        channel="C0GENERAL",
        thread_ts="1.1",
        question="How is NPS calculated?",
        answer=answer,
    )


def press(bot: BotServer, action_id: str, answer_id: int, user: str = "U0BOB") -> None:
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL"},
            "message": {"ts": "1.2", "thread_ts": "1.1", "text": "NPS is…", "blocks": []},
            "response_url": bot.api.response_url("action"),
            "trigger_id": "1.2.3",
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "answer_feedback",
                    "value": str(answer_id),
                    "type": "button",
                }
            ],
        }
    )


def test_a_thumbs_up_is_stored_with_question_answer_and_sources_and_exported(
    make_bot, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'fb.db'}"
    answer_id = stored_answer(url)
    bot: BotServer = make_bot(database_url=url)
    press(bot, "feedback_up", answer_id)
    [thanks] = bot.api.wait_for("chat.postEphemeral")
    assert thanks.params["user"] == "U0BOB" and "helpful" in thanks.params["text"]
    out = io.StringIO()
    assert export_csv(connect(url), out) == 1
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["rating"] == "1" and row["user_id"] == "U0BOB"
    assert row["question"] == "How is NPS calculated?"
    assert json.loads(row["sources"])[0]["source"] == "nps.md"


def test_feedback_export_cli_writes_a_csv_file(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'fb.db'}"
    from metrics.feedback import record_rating

    answer_id = stored_answer(url)
    record_rating(connect(url), answer_id, user_id="U1", rating=-1)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feedback", "export", "--output", "ratings.csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "ratings.csv").open()))
    assert [r["rating"] for r in rows] == ["-1"]


def open_home(bot: BotServer) -> dict:
    bot.event(
        {
            "type": "app_home_opened",
            "user": "U0ALICE",
            "channel": "D0",
            "tab": "home",
            "event_ts": "1.1",
        }
    )
    [publish] = bot.api.wait_for("views.publish")
    assert publish.params["user_id"] == "U0ALICE"
    view = publish.params["view"]
    assert view["type"] == "home"
    return view


def headline_texts(view: dict) -> dict[str, str]:
    """Headline KPI sections by KPI title: `*Title* (period, n = N)` then the figure."""
    found = {}
    for block in view["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        title, _, rest = text.partition("* (")
        if title.startswith("*") and ", n = " in rest:
            found[title.removeprefix("*")] = text
    return found


def test_app_home_shows_the_four_headline_kpis_with_their_figures(make_bot, tmp_path) -> None:
    from metrics.demo import seed_demo
    from metrics.registry import get_kpi

    url = f"sqlite:///{tmp_path / 'home.db'}"
    seed_demo(connect(url))
    view = open_home(make_bot(database_url=url))
    shown = headline_texts(view)
    titles = [get_kpi(name).title for name in HEADLINE_KPIS]
    assert sorted(shown) == sorted(titles), json.dumps(view)[:2000]
    for text in shown.values():
        figure = text.split("\n", 1)[1]
        assert re.match(r"\*[−-]?\d[\d,]*(\.\d+)?(%| \S+)\*", figure), figure
    assert "No customer story has been posted yet." in json.dumps(view)
    assert "/ask" in json.dumps(view)


def test_a_headline_kpi_without_data_is_a_note_beside_the_others(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'home.db'}"
    seed_nps(url, current=[10, 10, 9, 3], previous=[8])
    view = open_home(make_bot(database_url=url))
    from metrics.registry import get_kpi

    shown = headline_texts(view)
    assert "Net Promoter Score" in shown and get_kpi("csat").title not in shown
    notes = [
        b["text"]["text"]
        for b in view["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("*csat*: no data — ")
    ]
    assert len(notes) == 1 and "No CSAT" in notes[0], json.dumps(view)[:2000]


def export_rows(database_url: str) -> list[dict[str, str]]:
    out = io.StringIO()
    export_csv(connect(database_url), out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_a_second_click_by_the_same_person_changes_their_vote_instead_of_adding_one(
    make_bot, database_url: str
) -> None:
    answer_id = stored_answer(database_url)
    bot: BotServer = make_bot(database_url=database_url)
    press(bot, "feedback_up", answer_id, user="U0BOB")
    bot.api.wait_for("chat.postEphemeral", 1)
    press(bot, "feedback_down", answer_id, user="U0BOB")
    bot.api.wait_for("chat.postEphemeral", 2)
    press(bot, "feedback_up", answer_id, user="U0CAROL")
    bot.api.wait_for("chat.postEphemeral", 3)
    rows = export_rows(database_url)
    assert sorted((r["user_id"], r["rating"]) for r in rows) == [("U0BOB", "-1"), ("U0CAROL", "1")]


def test_thumbs_down_asks_what_was_wrong_and_keeps_the_note_with_the_vote(
    make_bot, database_url: str
) -> None:
    answer_id = stored_answer(database_url)
    bot: BotServer = make_bot(database_url=database_url)
    press(bot, "feedback_down", answer_id, user="U0BOB")
    [thanks] = bot.api.wait_for("chat.postEphemeral")
    assert thanks.params["thread_ts"] == "1.1"
    [field] = [b for b in thanks.params["blocks"] if b["type"] == "input"]
    assert field["optional"] is True and field["dispatch_action"] is True
    assert field["label"]["text"] == "What was wrong? (optional)"
    # Enter in the field sends the input itself (dispatch_action), with its block_id.
    note = {
        "action_id": "feedback_comment",
        "block_id": field["block_id"],
        "type": "plain_text_input",
        "value": "=cites the 2019 survey, which is outdated",
    }
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": "U0BOB"},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0GENERAL"},
            "response_url": bot.api.response_url("note"),
            "trigger_id": "1.2.3",
            "actions": [note],
        }
    )
    [saved] = bot.api.wait_for("response_url")
    assert saved.params["replace_original"] is True
    assert saved.params["text"] == "Thanks, your note is saved with your 👎."
    [row] = export_rows(database_url)
    assert (row["rating"], row["comment"]) == ("-1", "'=cites the 2019 survey, which is outdated")


def test_the_send_button_sends_the_note_typed_in_the_field(make_bot, database_url: str) -> None:
    answer_id = stored_answer(database_url)
    bot: BotServer = make_bot(database_url=database_url)
    press(bot, "feedback_down", answer_id, user="U0BOB")
    [thanks] = bot.api.wait_for("chat.postEphemeral")
    [field] = [b for b in thanks.params["blocks"] if b["type"] == "input"]
    [send] = [b for b in thanks.params["blocks"] if b["type"] == "actions"][0]["elements"]
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": "U0BOB"},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0GENERAL"},
            "state": {
                "values": {
                    field["block_id"]: {
                        "feedback_comment": {"type": "plain_text_input", "value": "Wrong KPI"}
                    }
                }
            },
            "response_url": bot.api.response_url("note"),
            "trigger_id": "1.2.3",
            "actions": [{"action_id": send["action_id"], "value": send["value"], "type": "button"}],
        }
    )
    bot.api.wait_for("response_url")
    [row] = export_rows(database_url)
    assert row["comment"] == "Wrong KPI"


def test_a_vote_changed_to_helpful_drops_the_note_of_the_thumbs_down(database_url: str) -> None:
    from metrics.feedback import record_comment, record_rating

    engine = connect(database_url)
    answer_id = stored_answer(database_url)
    assert record_rating(engine, answer_id, user_id="U0BOB", rating=-1)
    assert record_comment(engine, answer_id, user_id="U0BOB", comment="stale")
    assert record_rating(engine, answer_id, user_id="U0BOB", rating=1)
    [row] = export_rows(database_url)
    assert (row["rating"], row["comment"]) == ("1", "")
    assert not record_comment(engine, answer_id, user_id="U0BOB", comment="no 👎 to attach to")


#: What each reader's App Home says, and how it writes a percentage and a thousand.
HOME_IN = {
    "da-DK": ("Nøgletal", "Kundefrafald", r"\d,\d\u00a0%", r"\d\.\d{3}"),
    "nb-NO": ("Nøkkeltall", "Kundeavgang", r"\d,\d\u00a0%", r"\d\u00a0\d{3}"),
    "sv-SE": ("Nyckeltal", "Kundbortfall", r"\d,\d\u00a0%", r"\d\u00a0\d{3}"),
    "en-US": ("Headline KPIs", "Churn rate", r"\d\.\d%", r"\d,\d{3}"),
}


@pytest.mark.parametrize("locale", HOME_IN)
def test_app_home_speaks_the_readers_slack_language_with_its_number_formats(
    make_bot, tmp_path, locale: str
) -> None:
    from metrics.demo import seed_demo

    heading, churn, percent, thousands = HOME_IN[locale]
    url = f"sqlite:///{tmp_path / 'home.db'}"
    seed_demo(connect(url))
    bot = make_bot(database_url=url)
    bot.api.set_locale("U0ALICE", locale)
    view = open_home(bot)
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert heading in headers
    shown = headline_texts(view)
    assert re.search(rf"\*{percent}\*", shown[churn]), shown[churn]
    assert any(re.search(rf"n = {thousands}\)", text) for text in shown.values()), shown

"""The Home tab keeps KPI access: someone `/kpi` refuses does not see NPS, CSAT, churn or time
to resolution there either. And with the metrics database down, App Home and `/story` say so
in one sentence, not with a traceback or an empty tab."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.bot.bot_harness import BotServer, seed_nps
from tests.hostile.markup_probe import mrkdwn_texts

FIGURES = ("Net Promoter Score", "CSAT", "Churn", "resolution")
REFUSAL = "KPIs are only available to selected people"
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def open_home(bot: BotServer, user: str, event_id: str) -> str:
    """Everything the published tab shows (headers included), as one string."""
    bot.api.clear()
    bot.event(
        {"type": "app_home_opened", "user": user, "channel": "D0", "tab": "home"},
        event_id=event_id,
    )
    [publish] = bot.api.wait_for("views.publish")
    assert publish.params["user_id"] == user
    blocks = publish.params["view"]["blocks"]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    return "\n".join([*headers, *mrkdwn_texts(publish.params)])


def test_someone_kpi_access_refuses_sees_the_refusal_on_the_home_tab_not_the_figures(
    start: Callable[..., BotServer], database_url: str
) -> None:
    seed_nps(database_url, current=[10, 9, 3], previous=[8])
    bot = start(database_url, kpi_allowed_users=["U0BOSS"])
    refused = open_home(bot, "U0ALICE", "EvAlice")
    assert REFUSAL in refused and "<@U0BOSS>" in refused
    assert not [figure for figure in FIGURES if figure in refused]
    assert "/ask" in refused and "Latest customer story" in refused
    allowed = open_home(bot, "U0BOSS", "EvBoss")
    assert "Net Promoter Score" in allowed and REFUSAL not in allowed


def test_members_of_an_allowed_user_group_see_the_figures_and_others_do_not(
    start: Callable[..., BotServer], database_url: str
) -> None:
    seed_nps(database_url, current=[10, 9, 3], previous=[8])
    bot = start(database_url, kpi_allowed_usergroups=["S0MANAGERS"])
    bot.api.set_usergroup("S0MANAGERS", ["U0CARL"])
    assert "Net Promoter Score" in open_home(bot, "U0CARL", "EvCarl")
    assert "Net Promoter Score" not in open_home(bot, "U0ALICE", "EvAlice")


def test_with_the_database_down_the_home_tab_says_so_in_one_sentence(
    start: Callable[..., BotServer],
) -> None:
    bot = start(DEAD_DATABASE)
    shown = open_home(bot, "U0ALICE", "EvDown")
    assert "/ask" in shown  # how to ask still helps: questions do not need the database
    [warning] = [text for text in shown.splitlines() if text.startswith(":warning:")]
    assert warning.startswith(":warning: The metrics database is down right now (request id ")
    assert warning.count(". ") == 0 and "Traceback" not in shown
    assert "127.0.0.1" not in shown and "nobody" not in shown
    assert "No customer story has been posted yet." not in shown  # not known, so not said


def test_with_the_database_down_story_says_so_in_one_sentence(
    start: Callable[..., BotServer],
) -> None:
    bot = start(DEAD_DATABASE)
    for word in ("", "share"):
        bot.api.clear()
        bot.command("/story", word)
        [reply] = bot.api.wait_for("response_url")
        assert reply.params["response_type"] == "ephemeral"
        assert reply.params["text"].startswith("The metrics database is down right now")
        assert "127.0.0.1" not in reply.params["text"]


def test_a_database_lost_after_start_up_is_the_same_sentence_not_an_empty_tab(
    start: Callable[..., BotServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = start(f"sqlite:///{tmp_path / 'metrics.db'}")

    def connection_lost(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("metrics.stories.selection.last_posted", connection_lost)
    monkeypatch.setattr("bot.stories.posting.next_story", connection_lost)
    shown = open_home(bot, "U0ALICE", "EvLost")
    assert ":warning: The metrics database is down right now" in shown
    bot.api.clear()
    bot.command("/story", "")
    [reply] = bot.api.wait_for("response_url")
    assert reply.params["text"].startswith("The metrics database is down right now")

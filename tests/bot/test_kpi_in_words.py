"""KPI questions in words over signed HTTP: our figure from the database, not an article's
example; the concept still from the knowledge base; the ask-back buttons; access; errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert

from metrics.db import connect
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses
from tests.bot.bot_harness import BotServer, block_text, mention


def october() -> int:
    """The October "i oktober" means today: this year's once it has begun, else last year's."""
    now = datetime.now(UTC)
    return now.year if now.month >= 10 else now.year - 1


def seed_october_nps(url: str) -> None:
    """October: 5 promoters, 2 passives, 1 detractor → NPS 50.0; September: 1 and 1 → 0."""
    year = october()
    scores = [(s, datetime(year, 10, 15, tzinfo=UTC)) for s in [10] * 5 + [8, 7] + [3]]
    scores += [(s, datetime(year, 9, 15, tzinfo=UTC)) for s in (10, 2)]
    with connect(url).begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "segment": "smb",
                    "country": "DK",
                    "signed_up_at": datetime(year - 1, 1, 1, tzinfo=UTC),
                }
                for i in range(len(scores))
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": f"r{i}", "customer_id": f"c{i}", "score": s, "responded_at": at}
                for i, (s, at) in enumerate(scores)
            ],
        )
        rebuild(conn)  # written past the import: the rollups are refreshed by hand


def blocks_of(params: dict) -> list[dict]:
    blocks = params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def press(bot: BotServer, button: dict, user: str = "U0ALICE") -> None:
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL"},
            "message": {"ts": "1.2", "thread_ts": "1.1", "text": "?", "blocks": []},
            "response_url": bot.api.response_url("action"),
            "trigger_id": "1.2.3",
            "actions": [{**button, "block_id": "b", "type": "button"}],
        }
    )


def test_a_mention_asking_for_our_october_nps_gets_the_figure_from_the_database(
    make_bot, knowledge_home, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_october_nps(url)
    bot: BotServer = make_bot(home=knowledge_home, database_url=url, kpi_min_sample=5)
    bot.event(mention("100.1", "<@UBOT0001> Hvad var vores NPS i oktober?"))
    [update] = bot.api.wait_for("chat.update")
    text = block_text(update)
    assert f"Vores Net Promoter Score for {october()}-10: *50,0 point*" in text
    assert "+50,0 point i forhold til perioden før" in text
    assert "n = 8" in text
    assert "Trendgrafen er sendt til dig" in text
    bot.api.wait_for("files.completeUploadExternal")
    [opened] = bot.api.calls_to("conversations.open")
    assert opened.params["users"] == "U0ALICE"


def test_a_mention_asking_how_nps_is_computed_gets_the_knowledge_answer(
    make_bot, knowledge_home, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_october_nps(url)
    bot: BotServer = make_bot(home=knowledge_home, database_url=url)
    bot.event(mention("100.1", "<@UBOT0001> Hvordan beregnes NPS?"))
    [update] = bot.api.wait_for("chat.update")
    text = block_text(update)
    assert "promoters" in text.lower() and "nps.md" in text
    assert "50.0" not in text
    assert bot.api.calls_to("files.completeUploadExternal") == []


def test_ask_for_our_figure_answers_privately_with_the_chart_in_a_dm(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_october_nps(url)
    bot: BotServer = make_bot(database_url=url, kpi_min_sample=5)
    bot.command("/ask", "What was our NPS in October?")
    [reply] = bot.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert "Our Net Promoter Score" in block_text(reply) and "50.0 points" in block_text(reply)
    bot.api.wait_for("files.completeUploadExternal")


def test_kpi_answers_in_words_follow_the_kpi_access_rule(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_october_nps(url)
    bot: BotServer = make_bot(database_url=url, kpi_allowed_users=["U0BOSS"])
    bot.event(mention("100.1", "<@UBOT0001> Hvad var vores NPS i oktober?"))
    [update] = bot.api.wait_for("chat.update")
    text = block_text(update)
    assert "kun tilgængelige for udvalgte personer" in text and "<@U0BOSS>" in text
    assert "50.0" not in text
    assert bot.api.calls_to("conversations.open") == []


def test_a_period_in_words_not_understood_gets_the_accepted_forms(make_bot) -> None:
    bot: BotServer = make_bot()
    bot.event(mention("100.1", "<@UBOT0001> Hvad var vores NPS i sommer?"))
    [update] = bot.api.wait_for("chat.update")
    assert "period" in update.params["text"] and "30d" in update.params["text"]


def test_an_unknown_kpi_in_words_gets_the_catalogue_sentence(make_bot) -> None:
    bot: BotServer = make_bot()
    bot.event(mention("100.1", "<@UBOT0001> What was our gross margin last month?"))
    [update] = bot.api.wait_for("chat.update")
    assert "no KPI called 'gross'" in update.params["text"]
    assert "churn_rate" in update.params["text"]


def test_an_unclear_question_asks_back_and_show_replaces_it_with_our_figure(
    make_bot, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_october_nps(url)
    bot: BotServer = make_bot(database_url=url, kpi_default_period=f"{october()}-10")
    bot.event(mention("100.1", "<@UBOT0001> NPS"))
    [update] = bot.api.wait_for("chat.update")
    [buttons] = [b for b in blocks_of(update.params) if b["type"] == "actions"]
    show, explain = buttons["elements"]
    assert show["text"]["text"] == "Show our Net Promoter Score"
    assert explain["text"]["text"] == "Explain Net Promoter Score"
    press(bot, {"action_id": show["action_id"], "value": show["value"]}, user="U0BOB")
    [refused] = bot.api.wait_for("response_url")
    assert "Only the person who asked" in refused.params["text"]
    press(bot, {"action_id": show["action_id"], "value": show["value"]})
    replaced = bot.api.wait_for("response_url", 2)[-1]
    assert replaced.params["replace_original"] is True
    assert "50.0 points" in block_text(replaced)


def test_explain_replaces_the_ask_back_with_the_knowledge_answer(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    bot.event(mention("100.1", "<@UBOT0001> NPS"))
    [update] = bot.api.wait_for("chat.update")
    [buttons] = [b for b in blocks_of(update.params) if b["type"] == "actions"]
    explain = buttons["elements"][1]
    press(bot, {"action_id": explain["action_id"], "value": explain["value"]})
    [replaced] = bot.api.wait_for("response_url")
    assert replaced.params["replace_original"] is True
    assert "promoters" in block_text(replaced).lower()

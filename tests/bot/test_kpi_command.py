"""`/kpi` over loopback: ephemeral figures, the chart in a DM, `share`, errors, access."""

from __future__ import annotations

from tests.bot.bot_harness import BotServer, seed_nps


def replies(bot: BotServer, count: int = 1) -> list[dict]:
    return [call.params for call in bot.api.wait_for("response_url", count)]


def all_text(blocks: list[dict]) -> str:
    parts: list[str] = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e.get("text", "") for e in block.get("elements", []))
    return "\n".join(parts)


def test_kpi_nps_replies_ephemerally_with_value_change_and_sample(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    # current: 6 promoters, 2 detractors of 10 → 40; previous: 3 promoters, 3 detractors → 0
    seed_nps(url, current=[10] * 6 + [7, 8] + [3, 5], previous=[9] * 3 + [7] * 4 + [2] * 3)
    bot: BotServer = make_bot(database_url=url, kpi_min_sample=5)
    reply = bot.command("/kpi", "nps")
    assert reply.status == 200 and reply.body == ""
    [message] = replies(bot)
    assert message["response_type"] == "ephemeral"
    text = all_text(message["blocks"])
    assert "40.0 points" in text
    assert "+40.0 points" in text and "better" in text
    assert "vs previous period (the 30 days before): 0.00 points" in text
    assert "n = 10" in text


def test_compare_yoy_says_it_compares_with_the_same_period_last_year(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.command("/kpi", "nps 30d compare=yoy")
    [message] = replies(bot)
    text = all_text(message["blocks"])
    # Nothing was seeded a year ago: the reply says which comparison is missing.
    assert "Nothing to compare with: no data for the same period last year (the 30 days to" in text


def test_an_unknown_comparison_is_one_sentence(make_bot, tmp_path) -> None:
    bot: BotServer = make_bot()
    bot.command("/kpi", "nps 30d compare=mom")
    [message] = replies(bot)
    assert message["text"].startswith("Compare with `previous` (the period before) or `yoy`")


def test_the_chart_of_a_private_reply_is_uploaded_to_the_askers_dm(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.command("/kpi", "nps 90d")
    [complete] = bot.api.wait_for("files.completeUploadExternal")
    [opened] = bot.api.calls_to("conversations.open")
    assert opened.params["users"] == "U0ALICE"
    upload = next(iter(bot.api.uploads.values()))
    assert upload.data.startswith(b"\x89PNG")
    assert complete.params["channel_id"]
    [message] = replies(bot)
    text = all_text(message["blocks"])
    assert "Only 5 observations (fewer than 30)" in text  # 90d holds all five responses
    assert "Trend chart sent to you in a direct message" in text
    assert "promoters: 40.0%" in text  # 2 of 5 score 9–10


def test_share_posts_in_the_channel_with_the_chart_in_its_thread(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.command("/kpi", "nps share")
    [complete] = bot.api.wait_for("files.completeUploadExternal")
    [posted] = bot.api.calls_to("chat.postMessage")
    assert posted.params["channel"] == "C0GENERAL"
    assert complete.params["channel_id"] == "C0GENERAL"
    assert complete.params["thread_ts"]
    assert bot.api.calls_to("response_url") == []


def test_an_unknown_kpi_gets_one_sentence_listing_the_kpis(make_bot) -> None:
    bot: BotServer = make_bot()
    bot.command("/kpi", "happiness")
    [message] = replies(bot)
    assert message["response_type"] == "ephemeral"
    assert "happiness" in message["text"] and "nps" in message["text"]
    assert "Traceback" not in message["text"]


def test_a_bad_period_shows_the_accepted_forms(make_bot) -> None:
    bot: BotServer = make_bot()
    bot.command("/kpi", "nps lastweek")
    [message] = replies(bot)
    assert "lastweek" in message["text"] and "30d" in message["text"]


def test_kpi_help_lists_every_kpi_with_its_definition(make_bot) -> None:
    from metrics.registry import list_kpis

    bot: BotServer = make_bot()
    bot.command("/kpi", "")
    [message] = replies(bot)
    text = all_text(message["blocks"])
    for kpi in list_kpis():
        assert f"`{kpi.name}`" in text


def test_a_database_outage_is_one_sentence_with_a_request_id(make_bot) -> None:
    bot: BotServer = make_bot(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    bot.command("/kpi", "nps")
    [message] = replies(bot)
    assert message["text"].startswith("The metrics database is down")
    assert "request id" in message["text"]


def test_people_outside_the_allowed_list_are_refused_politely(make_bot) -> None:
    bot: BotServer = make_bot(kpi_allowed_users="U0BOSS", kpi_allowed_usergroups="S0MGMT")
    bot.api.set_usergroup("S0MGMT", ["U0CAROL"])
    bot.command("/kpi", "help", user="U0MALLORY")
    bot.command("/kpi", "help", user="U0CAROL")
    messages = replies(bot, 2)
    refusal = next(m for m in messages if "text" in m and "Sorry" in m["text"])
    assert "<@U0BOSS>" in refusal["text"] and "<!subteam^S0MGMT>" in refusal["text"]
    assert any(m.get("blocks") for m in messages)  # Carol, in the group, got the list


def test_why_splits_the_change_by_segment_with_lines_that_add_up(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    # seed_nps alternates enterprise (even) / smb (odd). Current: enterprise 10, 10, 10 (100),
    # smb 3, 3, 3 (−100) → 0; previous: enterprise 10, 3 (0), smb 3, 3 (−100) → −50. +50.
    seed_nps(url, current=[10, 3, 10, 3, 10, 3], previous=[10, 3, 3, 3])
    bot: BotServer = make_bot(database_url=url, kpi_min_sample=2)
    bot.command("/kpi", "nps why")
    [message] = replies(bot)
    text = all_text(message["blocks"])
    assert "*Why it moved* +50.0 points vs previous period (the 30 days before)" in text
    # Shares stay 1/2 each: enterprise's rate +0.5 × 100 = +50, smb unchanged.
    assert "• *enterprise* +50.0 points (mix ±0.0, rate +50.0)" in text
    assert "• *smb* ±0.0 points (mix ±0.0, rate ±0.0)" in text
    assert "• *total* +50.0 points" in text
    assert "_by country_" in text


def test_why_for_a_median_is_one_sentence_and_the_figure_still_shows(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10], previous=[3])
    bot: BotServer = make_bot(database_url=url)
    bot.command("/kpi", "clv why")
    [message] = replies(bot)
    assert "Why is not available for Customer lifetime value" in message["text"] + all_text(
        message.get("blocks", [])
    )

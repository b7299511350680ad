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


def image_blocks(blocks: list[dict]) -> list[dict]:
    return [block for block in blocks if block["type"] == "image"]


def test_share_posts_in_the_channel_with_the_chart_inside_the_message(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.command("/kpi", "nps share")
    [posted] = bot.api.wait_for("chat.postMessage", where=lambda c: "_failed" not in c.params)
    assert posted.params["channel"] == "C0GENERAL"
    [image] = image_blocks(posted.params["blocks"])
    [complete] = bot.api.calls_to("files.completeUploadExternal")
    [uploaded] = complete.params["files"]
    assert image["slack_file"] == {"id": uploaded["id"]}
    assert image["alt_text"].startswith("Trend chart of Net Promoter Score")
    assert bot.api.uploads[uploaded["id"]].data[:8] == b"\x89PNG\r\n\x1a\n"
    # The chart is not posted as a file of its own, in the channel or a thread.
    assert "channel_id" not in complete.params and "thread_ts" not in complete.params
    assert bot.api.calls_to("response_url") == []


def test_a_shared_kpi_waits_for_slack_to_process_the_chart(make_bot, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.api.processing(posts=1)  # the first post naming the file is refused, as Slack does
    bot.command("/kpi", "nps share")
    refused, posted = bot.api.wait_for("chat.postMessage", count=2)
    assert image_blocks(refused.params["blocks"]) and image_blocks(posted.params["blocks"])
    assert len(bot.api.calls_to("files.completeUploadExternal")) == 1
    assert [m["ts"] for m in bot.api.posted_to("C0GENERAL")] == [
        bot.api.posted_to("C0GENERAL")[0]["ts"]
    ]


def test_a_chart_slack_never_shows_goes_to_the_thread_and_the_figure_is_posted(
    make_bot, tmp_path, monkeypatch
) -> None:
    from bot.listeners.commands import kpi

    monkeypatch.setattr(kpi, "CHART_READY_WAITS", (0.01, 0.01))
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url)
    bot.api.processing(posts=10)
    bot.command("/kpi", "nps share")
    thread_upload = bot.api.wait_for(
        "files.completeUploadExternal", where=lambda c: "thread_ts" in c.params
    )[0]
    posts = bot.api.calls_to("chat.postMessage")
    assert len(posts) == 4  # three tries with the chart, then the figure without it
    assert image_blocks(posts[-1].params["blocks"]) == []
    [message] = bot.api.posted_to("C0GENERAL")
    assert thread_upload.params["channel_id"] == "C0GENERAL"
    assert thread_upload.params["thread_ts"] == message["ts"]


def test_a_kpi_shared_by_a_danish_reader_reads_danish_with_danish_numbers(
    make_bot, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    # 2 promoters, 1 detractor of 3 → 33.3; before: 0 of 2 → 0
    seed_nps(url, current=[10, 9, 3], previous=[8, 8])
    bot: BotServer = make_bot(database_url=url, kpi_min_sample=5)
    bot.api.set_locale("U0ALICE", "da-DK")
    bot.command("/kpi", "nps share")
    [posted] = bot.api.wait_for("chat.postMessage")
    text = all_text(posted.params["blocks"])
    assert "*33,3 point*" in text
    assert "Net Promoter Score — de sidste 30 dage" in text
    assert "+33,3 point i forhold til forrige periode (de 30 dage før)" in text
    assert ":large_green_circle: bedre" in text
    assert "Kun 3 observationer (færre end 5)" in text
    assert "promotorer: 66,7\u00a0%" in text  # a no-break space, as Danish writes it
    assert posted.params["text"].startswith("Net Promoter Score (")
    [image] = image_blocks(posted.params["blocks"])
    assert image["alt_text"].startswith("Trendgraf for Net Promoter Score")


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

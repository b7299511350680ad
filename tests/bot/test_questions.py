"""Questions in Slack: threaded answers with sources and buttons, follow-ups, retries, DMs."""

from __future__ import annotations

from tests.bot.bot_harness import BotServer, block_text, mention, message
from tests.slack_web_api import Call


def test_a_mention_is_answered_in_its_thread_with_sources_and_buttons(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    reply = bot.event(mention("100.1", "<@UBOT0001> How is the Net Promoter Score calculated?"))
    assert reply.status == 200
    [update] = bot.api.wait_for("chat.update")
    [placeholder] = bot.api.calls_to("chat.postMessage")
    assert placeholder.params["thread_ts"] == "100.1"
    assert "Working on it" in placeholder.params["text"]
    text = block_text(update)
    assert "promoter" in text.lower()
    assert "1. *Net Promoter Score*" in text and "nps.md" in text
    actions = [b for b in update.params["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["feedback_up", "feedback_down"]


def test_an_unanswerable_question_says_so_with_a_hint(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    bot.event(mention("100.1", "<@UBOT0001> What is the capital of Mongolia?"))
    [update] = bot.api.wait_for("chat.update")
    text = block_text(update)
    assert "Try rephrasing" in text
    assert "Sources" not in text


def test_a_follow_up_in_the_thread_is_answered_without_a_mention_using_history(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    bot.api.set_thread(
        "C0GENERAL",
        "100.1",
        [
            {"ts": "100.1", "user": "U0ALICE", "text": "<@UBOT0001> What is churn rate?"},
            {"ts": "100.2", "user": "UBOT0001", "bot_id": "BBOT0001", "text": "Churn rate is…"},
            {"ts": "100.3", "user": "U0ALICE", "text": "who is left out of it?"},
        ],
    )
    # Alone, "who is left out of it?" finds nothing; with the thread's history it is churn.
    bot.event(message("100.3", "who is left out of it?", thread_ts="100.1"))
    [update] = bot.api.wait_for("chat.update")
    assert bot.api.calls_to("chat.postMessage")[0].params["thread_ts"] == "100.1"
    assert "churn.md" in block_text(update)


def test_a_thread_the_bot_never_answered_is_left_alone(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    bot.api.set_thread(
        "C0GENERAL",
        "200.1",
        [
            {"ts": "200.1", "user": "U0BOB", "text": "lunch?"},
            {"ts": "200.2", "user": "U0ALICE", "text": "what is churn?"},
        ],
    )
    bot.event(message("200.2", "what is churn?", thread_ts="200.1"), event_id="EvA")
    bot.event(mention("300.1", "<@UBOT0001> what is NPS?"), event_id="EvB")
    bot.api.wait_for("chat.update")
    assert [c.params["thread_ts"] for c in bot.api.calls_to("chat.postMessage")] == ["300.1"]


def test_edits_bot_messages_and_mentions_in_plain_messages_are_ignored(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    bot.event(message("1.1", "edited", subtype="message_changed"), event_id="Ev1")
    bot.event(message("1.2", "hi", bot_id="B0OTHER"), event_id="Ev2")
    bot.event(
        message("1.3", "<@UBOT0001> what is NPS?", thread_ts="1.0"), event_id="Ev3"
    )  # the app_mention event answers this one
    bot.event(mention("9.9", "<@UBOT0001> what is NPS?"), event_id="Ev4")
    bot.api.wait_for("chat.update")
    assert [c.params["thread_ts"] for c in bot.api.calls_to("chat.postMessage")] == ["9.9"]


def test_a_direct_message_is_answered_in_a_thread(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    dm = message("5.5", "What is churn rate?", channel="D0ALICE", channel_type="im")
    bot.event(dm)
    bot.api.wait_for("chat.update")
    [placeholder] = bot.api.calls_to("chat.postMessage")
    assert placeholder.params["channel"] == "D0ALICE"
    assert placeholder.params["thread_ts"] == "5.5"


def test_a_retried_event_is_answered_once(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    event = mention("7.7", "<@UBOT0001> How is NPS calculated?")
    assert bot.event(event, event_id="EvSame").status == 200
    assert bot.event(event, event_id="EvSame", retry_num=1).status == 200
    bot.event(mention("8.8", "<@UBOT0001> what is churn?"), event_id="EvOther")
    bot.api.wait_for("chat.update", 2)
    threads = sorted(c.params["thread_ts"] for c in bot.api.calls_to("chat.postMessage"))
    assert threads == ["7.7", "8.8"]


def test_a_retry_delivered_to_another_replica_is_not_answered_again(
    make_bot, knowledge_home, tmp_path
) -> None:
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    first: BotServer = make_bot(home=knowledge_home, database_url=shared)
    second: BotServer = make_bot(home=knowledge_home, database_url=shared)
    event = mention("7.7", "<@UBOT0001> How is NPS calculated?")
    first.event(event, event_id="EvTwice")
    second.event(event, event_id="EvTwice", retry_num=1)
    second.event(mention("8.8", "<@UBOT0001> what is churn?"), event_id="EvLater")
    first.api.wait_for("chat.update", 2)
    threads = sorted(c.params["thread_ts"] for c in first.api.calls_to("chat.postMessage"))
    assert threads == ["7.7", "8.8"]


def click_under_private_answer(bot: BotServer, action_id: str, value: str, user: str) -> None:
    """A button pressed under an ephemeral message: Slack sends no `message` with it."""
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {
                "type": "message",
                "message_ts": "9.9",
                "channel_id": "C0GENERAL",
                "is_ephemeral": True,
            },
            "response_url": bot.api.response_url("private-answer"),
            "trigger_id": "1.2.3",
            "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        }
    )


def ask_privately(bot: BotServer, question: str) -> tuple[Call, str]:
    """`/ask` as Alice: the private answer and its "Share in channel" value."""
    reply = bot.command("/ask", question)
    assert reply.status == 200 and "Working on it" in reply.body  # only Alice sees the ack
    [private] = bot.api.wait_for("response_url")
    [actions] = [b for b in private.params["blocks"] if b["type"] == "actions"]
    values = {e["action_id"]: e["value"] for e in actions["elements"]}
    assert set(values) == {"feedback_up", "feedback_down", "share_answer"}
    return private, values["share_answer"]


def test_ask_answers_only_the_asker_and_posts_nothing_in_the_channel(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    private, _ = ask_privately(bot, "How is NPS calculated?")
    assert private.params["response_type"] == "ephemeral"
    text = block_text(private)
    assert "You asked: How is NPS calculated?" in text and "promoter" in text.lower()
    assert bot.api.calls_to("chat.postMessage") == []


def test_share_in_channel_posts_the_answer_naming_the_asker_and_removes_the_private_copy(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    private, share = ask_privately(bot, "How is NPS calculated?")
    bot.api.clear()
    click_under_private_answer(bot, "share_answer", share, user="U0ALICE")
    [shared] = bot.api.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C0GENERAL" and "thread_ts" not in shared.params
    assert shared.params["text"] == "<@U0ALICE> asked: How is NPS calculated?"
    text = block_text(shared)
    assert text.startswith("<@U0ALICE> asked: How is NPS calculated?")
    assert "promoter" in text.lower() and "nps.md" in text
    [actions] = [b for b in shared.params["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["feedback_up", "feedback_down"]
    [removed] = bot.api.wait_for("response_url")
    assert removed.params["delete_original"] is True


def test_only_the_asker_can_share_a_private_answer(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    _, share = ask_privately(bot, "How is NPS calculated?")
    bot.api.clear()
    click_under_private_answer(bot, "share_answer", share, user="U0MALLORY")
    [refused] = bot.api.wait_for("response_url")
    assert refused.params["text"] == "Only the person who asked can share this answer."
    assert bot.api.calls_to("chat.postMessage") == []


def test_sharing_where_the_bot_cannot_post_says_how_to_invite_it_and_keeps_the_answer(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    _, share = ask_privately(bot, "How is NPS calculated?")
    bot.api.clear()
    bot.api.respond("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    click_under_private_answer(bot, "share_answer", share, user="U0ALICE")
    [told] = bot.api.wait_for("response_url")
    assert "/invite @journeybot" in told.params["text"]
    assert told.params["replace_original"] is False and "delete_original" not in told.params


def test_a_follow_up_under_a_shared_answer_keeps_the_original_question_as_history(
    make_bot, knowledge_home
) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    _, share = ask_privately(bot, "What is churn rate & who counts?")
    click_under_private_answer(bot, "share_answer", share, user="U0ALICE")
    [shared] = bot.api.wait_for("chat.postMessage")
    parent_ts = "1800000000.1"
    # The thread as Slack returns it: the question was posted BY THE BOT, as was the answer.
    bot.api.set_thread(
        "C0GENERAL",
        parent_ts,
        [
            {
                "ts": parent_ts,
                "user": "UBOT0001",
                "bot_id": "BBOT0001",
                "text": shared.params["text"],
            },
            {"ts": "1800000000.3", "user": "U0ALICE", "text": "who is left out of it?"},
        ],
    )
    bot.api.clear()
    # Alone, "who is left out of it?" finds nothing; with the shared question before it, churn.
    bot.event(message("1800000000.3", "who is left out of it?", thread_ts=parent_ts))
    [update] = bot.api.wait_for("chat.update")
    assert "churn.md" in block_text(update)


def test_ask_without_a_question_explains_the_usage_in_the_ack(make_bot) -> None:
    bot: BotServer = make_bot()
    reply = bot.command("/ask", "  ")
    assert "Type your question" in reply.body


def test_a_knowledge_error_is_one_sentence_in_the_thread(make_bot, tmp_path) -> None:
    bot: BotServer = make_bot(home=tmp_path / "empty-home")
    bot.event(mention("4.4", "<@UBOT0001> What is NPS?"))
    [update] = bot.api.wait_for("chat.update")
    text = block_text(update)
    assert "Traceback" not in text
    assert text.count(".") <= 3 and len(text) < 400

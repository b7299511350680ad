"""Comment themes (bot.answering.comment_themes): what detractors and promoters wrote, this period vs
the one before, counted from every comment and quoted only with consent, redacted like
stories; on hand-made comments in four languages, then over a real database (SQLite and
PostgreSQL), in Slack blocks and in the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.answering.comment_themes import (
    CommentThemes,
    GroupThemes,
    Quote,
    Theme,
    comment_themes,
    group_themes,
)
from bot.cli import main
from bot.views.comment_themes import themes_blocks, themes_text
from metrics.comments import SurveyComment
from metrics.kpi_query import KpiQuery
from metrics.kpi_service import KpiService
from metrics.rollups import rebuild
from metrics.schema import csat_responses, customers, nps_responses
from metrics.stories.redaction import KnownNames

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 10, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 10, tzinfo=UTC)
_ids = count()


def said(
    text: str,
    language: str,
    customer: str,
    *,
    consented: bool = False,
    when: datetime = OCTOBER,
    score: int = 3,
) -> SurveyComment:
    return SurveyComment(
        response_id=f"r{next(_ids)}",
        customer_id=customer,
        score=score,
        responded_at=when,
        text=text,
        language=language,
        consented=consented,
        complete=True,
    )


def themes_of(now: list[SurveyComment], before: list[SurveyComment] = (), **options) -> GroupThemes:  # noqa: ANN003
    return group_themes(
        "detractors",
        list(range(7)),
        list(now),
        list(before),
        options.pop("quotable", [c for c in now if c.consented]),
        comments=len(now),
        comments_before=len(before),
        min_sample=options.pop("min_sample", 1),
    )


def by_label(group: GroupThemes) -> dict[str, Theme]:
    return {theme.label: theme for theme in group.themes}


# --- counting, on hand-made comments ---------------------------------------------------------


def test_themes_group_inflections_and_concepts_in_four_languages() -> None:
    group = themes_of(
        [
            said("Ventetiden var alt for lang.", "da", "c1"),
            said("Lang ventetid hos kundeservice.", "da", "c2"),
            said("Ventetid, ventetid og atter ventetid!", "da", "c3"),  # one comment, one count
            said("Väntetiden i telefon var lång.", "sv", "c4"),
            said("Sjåføren var uhøflig.", "no", "c5"),
            said("Sjåfør kom aldri.", "no", "c6"),
            said("Sjåføren ringte ikke.", "no", "c7"),
            said("The couriers were rude.", "en", "c8"),
            said("Courier never came.", "en", "c9"),
            said("Our courier got lost.", "en", "c10"),
        ]
    )
    themes = by_label(group)
    # ventetid / ventetiden by stem, väntetiden by the glossary's waiting_time: one theme.
    waiting = themes["ventetid"]
    assert (waiting.mentions, waiting.share, waiting.languages) == (4, 40.0, ["da", "sv"])
    assert waiting.words == ["ventetiden", "väntetiden"]
    # Words the glossary does not know group by their stem, in their own language.
    assert (themes["sjåføren"].mentions, themes["sjåføren"].words) == (3, ["sjåfør"])
    assert (themes["courier"].mentions, themes["courier"].words) == (3, ["couriers"])
    assert themes["courier"].languages == ["en"]
    # "lang" (2 customers), "kundeservice" (1): too few customers to be a theme.
    assert set(themes) == {"ventetid", "sjåføren", "courier"}
    assert group.read == 10


def test_counts_and_change_compare_the_shares_of_the_two_periods() -> None:
    now = [said("Lang ventetid.", "da", f"c{i}") for i in range(4)] + [
        said("Fin pris.", "da", f"p{i}") for i in range(6)
    ]
    before = [said("Lang ventetid.", "da", "old1")] + [
        said("Forkert faktura.", "da", f"o{i}") for i in range(4)
    ]
    waiting = by_label(themes_of(now, before))["lang ventetid"]
    # 4 of 10 comments now (40 %), 1 of 5 before (20 %): +20 percentage points.
    assert (waiting.mentions, waiting.mentions_before) == (4, 1)
    assert (waiting.share, waiting.share_before, waiting.change) == (40.0, 20.0, 20.0)


def test_a_theme_that_faded_is_shown_with_its_drop() -> None:
    now = [said("Fin pris.", "da", f"p{i}") for i in range(4)]
    before = [said("Forkert faktura.", "da", f"o{i}") for i in range(4)]
    invoice = by_label(themes_of(now, before))["forkert faktura"]
    assert (invoice.mentions, invoice.share, invoice.change) == (0, 0.0, -100.0)
    assert invoice.quotes == []


def test_a_theme_needs_three_different_customers_in_one_period() -> None:
    group = themes_of(
        [
            said("Ordre 4711 mangler.", "da", "c1"),
            said("Ordre 4711 mangler stadig.", "da", "c1"),
            said("Ordre 4711 mangler igen.", "da", "c1"),  # one customer, three times
            said("Kuffert knust.", "da", "c2"),
            said("Kuffert knust igen.", "da", "c3"),  # two customers
        ]
    )
    assert group.themes == []


def test_a_phrase_said_every_time_stands_for_its_words() -> None:
    group = themes_of([said("Forkert faktura igen.", "da", f"c{i}") for i in range(4)])
    [theme] = group.themes  # not also "forkert", "faktura" or "igen": the same comments
    assert (theme.label, theme.phrase, theme.mentions) == ("forkert faktura", True, 4)


def test_a_low_sample_is_said_not_hidden() -> None:
    group = themes_of([said("Lang ventetid.", "da", f"c{i}") for i in range(3)], min_sample=30)
    assert group.low_sample and group.themes  # flagged, and the themes still shown
    enough = [said("Lang ventetid.", "da", f"c{i}") for i in range(3)]
    assert not themes_of(enough, enough, min_sample=3).low_sample
    assert themes_of(enough, [], min_sample=3).low_sample  # nothing before is low too


# --- quotes: consent and redaction ----------------------------------------------------------


def test_comments_without_consent_count_but_are_never_quoted() -> None:
    private = [said("Lang ventetid, hemmelig detalje.", "da", f"c{i}") for i in range(3)]
    shared = said("Lang ventetid i telefonen.", "da", "c9", consented=True)
    everyone = [*private, shared]  # even handed every comment, only a consented one is quoted
    [theme] = [
        t for t in themes_of(everyone, quotable=everyone).themes if t.label == "lang ventetid"
    ]
    assert theme.mentions == 4  # everyone's comment counts
    assert [q.text for q in theme.quotes] == ["Lang ventetid i telefonen."]


def test_quotes_are_at_most_two_newest_first_and_never_the_same_words_twice() -> None:
    comments = [
        said("Lang ventetid.", "da", "c1", consented=True, when=OCTOBER),
        said("Igen lang ventetid.", "da", "c2", consented=True, when=OCTOBER + timedelta(days=1)),
        said("Lang ventetid.", "da", "c3", consented=True, when=OCTOBER + timedelta(days=2)),
        said("Lang ventetid.", "da", "c4", consented=True, when=OCTOBER + timedelta(days=3)),
    ]
    [theme] = [t for t in themes_of(comments).themes if t.label == "lang ventetid"]
    # c4 is the newest; c3 says the same words; c2 is next.
    assert [q.text for q in theme.quotes] == ["Lang ventetid.", "Igen lang ventetid."]


def test_a_quote_is_the_sentence_that_names_the_theme_cut_to_a_tweet() -> None:
    text = "Alt andet var fint. Ventetiden var lang" + " og lang" * 40 + "."
    comments = [said(text, "da", "c0", consented=True)] + [
        said("Ventetiden var lang.", "da", f"c{i}") for i in range(1, 3)
    ]
    [quote] = by_label(themes_of(comments))["ventetiden"].quotes
    assert quote.text.startswith("Ventetiden var lang og lang")
    assert len(quote.text) <= 200 and quote.text.endswith("…")


# --- over a real database (SQLite and PostgreSQL) -------------------------------------------


def seed(engine: Engine, rows: list[tuple[str, int, datetime, str | None, bool]]) -> None:
    """(customer, score, responded_at, comment, consent) rows; customers c0…c9 are smb in DK,
    c1 is called "Søren Jørgensen"."""
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "name": "Søren Jørgensen" if i == 1 else f"Firma {i} ApS",
                    "segment": "smb",
                    "country": "DK",
                    "signed_up_at": NOW - timedelta(days=400),
                }
                for i in range(10)
            ],
        )
        if not rows:
            return
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"n{n}",
                    "customer_id": customer,
                    "score": score,
                    "responded_at": at,
                    "comment": comment,
                    "consent_to_share": consent,
                }
                for n, (customer, score, at, comment, consent) in enumerate(rows)
            ],
        )
        rebuild(conn)


OCTOBER_ROWS = [
    ("c1", 2, OCTOBER, "Ventetiden var alt for lang. Ring til mig på +45 12 34 56 78.", True),
    ("c2", 3, OCTOBER, "Lang ventetid igen, Mette Holm lovede at ringe tilbage.", True),
    ("c3", 1, OCTOBER, "Ventetid på fem dage, skriv til hemmelig@firma.dk.", False),
    ("c4", 4, OCTOBER, "Ventetiden er for lang, Søren.", False),
    ("c5", 10, OCTOBER, "Hurtig levering.", True),
    ("c6", 8, OCTOBER, "Passiv kommentar om ventetid.", True),  # a passive: no group
]
SEPTEMBER_ROWS = [
    ("c5", 2, SEPTEMBER, "Forkert faktura.", False),
    ("c6", 3, SEPTEMBER, "Ventetid.", False),
    ("c7", 9, SEPTEMBER, "Hurtig levering!", False),
]


def october_themes(engine: Engine, **options) -> CommentThemes:  # noqa: ANN003
    seed(engine, OCTOBER_ROWS + SEPTEMBER_ROWS)
    why = KpiService(lambda: engine, min_sample=2).explain(KpiQuery(name="nps", period="2026-10"), now=NOW)
    themes = comment_themes(engine, why, known=KnownNames(["Mette Holm"]), min_sample=3, **options)
    assert themes is not None
    return themes


def test_themes_count_every_comment_and_quote_only_consented_redacted_ones(engine: Engine) -> None:
    detractors, promoters = october_themes(engine).groups
    assert (detractors.group, detractors.comments, detractors.comments_before) == (
        "detractors",
        4,
        2,
    )
    waiting = by_label(detractors)["ventetid"]
    assert (waiting.mentions, waiting.share) == (4, 100.0)  # c1–c4, consented or not
    assert (waiting.mentions_before, waiting.share_before, waiting.change) == (1, 50.0, 50.0)
    quotes = sorted(q.text for q in waiting.quotes)
    assert quotes == [
        "Lang ventetid igen, [name] lovede at ringe tilbage.",  # a workspace person
        "Ventetiden var alt for lang.",  # the sentence naming the theme; the phone is gone too
    ]
    everything = json.dumps(detractors.model_dump(mode="json"), ensure_ascii=False)
    assert "hemmelig" not in everything and "Søren" not in everything
    assert "fem dage" not in everything  # c3 did not consent: its words are never quoted
    # Promoters: one comment now, one before: fewer than 3 → said, and no theme of 1 customer.
    assert (promoters.comments, promoters.comments_before, promoters.low_sample) == (1, 1, True)
    assert promoters.themes == []


def test_the_customers_own_name_becomes_who_they_are_in_a_quote(engine: Engine) -> None:
    seed(
        engine,
        [
            (f"c{i}", 2, OCTOBER, "Søren Jørgensen her: ventetiden er for lang.", True)
            for i in (1, 2, 3)
        ]
        + [("c4", 2, SEPTEMBER, "Ok.", False)],
    )
    why = KpiService(lambda: engine, min_sample=1).explain(KpiQuery(name="nps", period="2026-10"), now=NOW)
    themes = comment_themes(engine, why, known=KnownNames(["Søren Jørgensen"]))
    assert themes is not None
    quotes = [q.text for theme in themes.groups[0].themes for q in theme.quotes]
    # c1 is Søren: his own name is the descriptor; to c2 and c3 he is a known name.
    assert sorted(quotes) == [
        "[name] her: ventetiden er for lang.",
        "en SMB-kunde i Danmark her: ventetiden er for lang.",
    ]


def test_csat_themes_read_csat_comments_by_its_own_groups(engine: Engine) -> None:
    seed(engine, [])
    with engine.begin() as conn:
        conn.execute(
            insert(csat_responses),
            [
                {
                    "response_id": f"s{i}",
                    "customer_id": f"c{i}",
                    "score": 3 if i < 3 else 5,  # 3 is dissatisfied: it pulls CSAT down
                    "responded_at": OCTOBER if i < 6 else SEPTEMBER,
                    "comment": "Forkert faktura." if i < 3 else "Venlig kundeservice.",
                    "consent_to_share": True,
                }
                for i in range(8)
            ],
        )
        rebuild(conn)
    why = KpiService(lambda: engine, min_sample=1).explain(KpiQuery(name="csat", period="2026-10"), now=NOW)
    themes = comment_themes(engine, why, known=KnownNames([]), min_sample=1)
    assert themes is not None
    dissatisfied, satisfied = themes.groups
    assert (dissatisfied.scores, satisfied.scores) == ([1, 2, 3], [4, 5])
    assert [t.label for t in dissatisfied.themes] == ["forkert faktura"]
    assert [t.label for t in satisfied.themes] == ["venlig kundeservice"]


def test_kpis_without_comments_have_no_themes(engine: Engine) -> None:
    seed(engine, OCTOBER_ROWS + SEPTEMBER_ROWS)
    why = KpiService(lambda: engine, min_sample=2).explain(KpiQuery(name="nps", period="2026-10"), now=NOW)
    assert (
        comment_themes(engine, why.model_copy(update={"kpi": "churn_rate"}), known=KnownNames([]))
        is None
    )


# --- rendering: escaped in Slack, catalogue texts -------------------------------------------

HOSTILE = "<!channel> ventetid <@U0BOSS> <https://evil.example|klik her> @here &amp;"


def hostile_themes() -> CommentThemes:
    from metrics.models import Period

    period = Period(start=OCTOBER, end=NOW, label="2026-10")
    theme = Theme(
        label="<!here>",
        words=["<@U0BOSS>"],
        languages=["da"],
        phrase=False,
        mentions=3,
        share=30.0,
        mentions_before=1,
        share_before=10.0,
        change=20.0,
        quotes=[Quote(text=HOSTILE, language="da", score=2, responded_at=OCTOBER)],
    )
    group = GroupThemes(
        group="detractors",
        scores=list(range(7)),
        comments=10,
        comments_before=12,
        read=10,
        read_before=12,
        low_sample=True,
        themes=[theme],
    )
    return CommentThemes(
        kpi="nps",
        period=period,
        previous_period=period,
        min_sample=30,
        min_customers=3,
        groups=[group],
    )


def test_customers_words_are_escaped_in_slack_blocks() -> None:
    text = json.dumps(themes_blocks(hostile_themes(), "<!everyone>"), ensure_ascii=False)
    for live in ("<!channel>", "<@U0BOSS>", "<https://evil", "<!here>", "<!everyone>"):
        assert live not in text
    assert "&lt;!channel&gt;" in text and "&lt;@U0BOSS&gt;" in text
    assert "&amp;amp;" in text  # an entity in the text is shown as written
    assert "@here" not in text  # a zero-width joiner keeps it from notifying anyone


def test_the_blocks_say_counts_change_low_sample_and_consent_in_the_readers_language() -> None:
    blocks = themes_blocks(hostile_themes(), "previous period (2026-09)")
    text = "\n".join(
        [b["text"]["text"] for b in blocks if "text" in b]
        + [e["text"] for b in blocks for e in b.get("elements", [])]
    )
    assert "*What customers wrote, vs previous period (2026-09)*" in text
    assert "_Detractors (0–6)_ · comments: 10 (12 before)" in text
    assert "low sample: 12 → 10 comments, fewer than 30" in text
    assert "in 3 of 10 comments · 30.0% (+20.0 pp from 10.0%)" in text
    assert "Quotes come only from customers who agreed to share" in text
    danish = themes_text(hostile_themes(), "forrige periode", "da")
    assert "Kritikere (0–6): kommentarer: 10 (12 før)" in danish
    assert "i 3 af 10 kommentarer · 30.0% (+20.0 pp fra 10.0%)" in danish
    assert "lille stikprøve: 12 → 10 kommentarer, færre end 30" in danish


# --- Slack and the CLI, end to end ---------------------------------------------------------


def seed_recent(url: str, rows: list[tuple[int, int, str, bool]]) -> None:
    """(days ago, score, comment, consent) rows for customers c0, c1, … in the last 60 days."""
    from metrics.db import connect

    engine = connect(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "segment": "smb",
                    "country": "DK",
                    "signed_up_at": now - timedelta(days=400),
                }
                for i in range(len(rows))
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{i}",
                    "customer_id": f"c{i}",
                    "score": score,
                    "responded_at": now - timedelta(days=days),
                    "comment": comment,
                    "consent_to_share": consent,
                }
                for i, (days, score, comment, consent) in enumerate(rows)
            ],
        )
        rebuild(conn)
    engine.dispose()


def test_kpi_nps_why_in_slack_shows_escaped_redacted_themes(make_bot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    seed_recent(
        url,
        [
            (2, 2, f"{HOSTILE} Mette Holm svarede aldrig.", True),
            (3, 3, "Ventetid igen.", False),
            (4, 1, "Ventetid, altid ventetid.", False),
            (40, 2, "Ventetid.", False),
            (41, 10, "Fint.", False),
        ],
    )
    bot = make_bot(database_url=url, kpi_min_sample=2)
    bot.api.set_users([{"id": "U0METTE", "real_name": "Mette Holm", "profile": {}}])
    bot.command("/kpi", "nps why")
    [message] = [call.params for call in bot.api.wait_for("response_url", 1)]
    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert "What customers wrote" in text and "ventetid" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "<@U0BOSS>" not in text
    assert "[link]" in text and "evil.example" not in text
    assert "[name] svarede aldrig" in text and "Mette" not in text
    assert "altid ventetid" not in text  # no consent, no quote


def test_the_cli_prints_themes_and_json_carries_them(
    home: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    seed(engine, OCTOBER_ROWS + SEPTEMBER_ROWS)
    runner = CliRunner()
    result = runner.invoke(main, ["kpi", "nps", "--period", "2026-10", "--why"])
    assert result.exit_code == 0, result.output
    assert "What customers wrote, vs previous period (2026-09)" in result.output
    assert "Detractors (0–6): comments: 4 (2 before) — low sample: 2 → 4 comments" in result.output
    assert "“Ventetiden var alt for lang.”" in result.output
    assert "hemmelig" not in result.output
    result = runner.invoke(main, ["kpi", "nps", "--period", "2026-10", "--why", "--json"])
    data = json.loads(result.output)
    assert data["change"] == pytest.approx(data["value"] - data["previous"])  # still the why
    assert [g["group"] for g in data["themes"]["groups"]] == ["detractors", "promoters"]


def test_the_demo_data_has_themes_that_move(tmp_path: Path) -> None:
    from metrics.db import connect
    from metrics.demo import seed_demo

    engine = connect(f"sqlite:///{tmp_path / 'demo.db'}")
    seed_demo(engine, now=NOW)
    for kpi in ("nps", "csat"):
        why = KpiService(lambda: engine).explain(KpiQuery(name=kpi, period="90d"), now=NOW)
        themes = comment_themes(engine, why, known=KnownNames([]))
        assert themes is not None
        detractors, promoters = themes.groups
        assert len(detractors.themes) == len(promoters.themes) == 5
        # The demo's price rise: price complaints grow among the detractors.
        price = next(t for t in detractors.themes if "priser" in [t.label, *t.words])
        assert price.change is not None and price.change > 10
        assert any(theme.quotes for theme in detractors.themes + promoters.themes)
    engine.dispose()

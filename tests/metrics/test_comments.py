"""Survey comments of a period (metrics.comments) on SQLite and PostgreSQL: the KPI's own
groups, half-open periods, segment filters, consent decided in SQL, redaction as in
stories, bounded reading (long comments, even samples), and CSAT comments from an import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from metrics.comments import group_scores, survey_comments, survey_of
from metrics.csv_import import import_csv
from metrics.schema import csat_responses, customers, nps_responses
from metrics.stories.redaction import KnownNames

START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)


def english(_: str) -> str:
    return "en"


def seed(engine: Engine, responses: list[dict], *, table=nps_responses) -> None:  # noqa: ANN001
    """Customers c1…c9 (odd: smb in DK, even: enterprise in SE, c1 is "Søren Jørgensen")."""
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "name": "Søren Jørgensen" if i == 1 else f"Firma {i} ApS",
                    "segment": "smb" if i % 2 else "enterprise",
                    "country": "DK" if i % 2 else "SE",
                    "signed_up_at": START - timedelta(days=400),
                }
                for i in range(1, 10)
            ],
        )
        rows = []
        for n, response in enumerate(responses):
            row = {
                "response_id": f"r{n:04d}",
                "customer_id": "c3",
                "score": 2,
                "responded_at": START + timedelta(days=1),
                "comment": "Long waiting time.",
                "consent_to_share": False,
            }
            rows.append({**row, **response})
        if rows:
            conn.execute(insert(table), rows)


def read(engine: Engine, group: str = "detractors", **options):  # noqa: ANN201
    options.setdefault("known", KnownNames([]))
    options.setdefault("detect_language", english)
    return survey_comments(engine, options.pop("kpi", "nps"), group, START, END, **options)


def test_the_groups_are_the_kpis_own_definition() -> None:
    assert group_scores("nps", "detractors") == [0, 1, 2, 3, 4, 5, 6]
    assert group_scores("nps", "promoters") == [9, 10]
    # CSAT counts the satisfied (4–5); every other answer pulls it down.
    assert group_scores("csat", "detractors") == [1, 2, 3]
    assert group_scores("csat", "promoters") == [4, 5]
    assert (survey_of("nps"), survey_of("csat"), survey_of("churn_rate")) == (
        "nps_responses",
        "csat_responses",
        None,
    )


def test_a_period_group_and_segment_select_exactly_their_comments(engine: Engine) -> None:
    seed(
        engine,
        [
            {"response_id": "in"},
            {"response_id": "at-start", "responded_at": START},
            {"response_id": "at-end", "responded_at": END},  # half-open: not in October
            {"response_id": "passive", "score": 7},
            {"response_id": "promoter", "score": 10},
            {"response_id": "no-comment", "comment": None},
            {"response_id": "blank", "comment": "   "},
            {"response_id": "enterprise", "customer_id": "c2"},
        ],
    )
    detractors = read(engine)
    assert [c.response_id for c in detractors.comments] == ["at-start", "enterprise", "in"]
    assert detractors.total == 3
    assert [c.response_id for c in read(engine, "promoters").comments] == ["promoter"]
    smb = read(engine, segments={"segment": "SMB"})
    assert [c.response_id for c in smb.comments] == ["at-start", "in"]


def test_consented_only_is_decided_in_sql(engine: Engine) -> None:
    seed(engine, [{"response_id": "yes", "consent_to_share": True}, {"response_id": "no"}])
    everyone = read(engine)
    assert {(c.response_id, c.consented) for c in everyone.comments} == {
        ("yes", True),
        ("no", False),
    }
    shareable = read(engine, consented_only=True)
    assert [c.response_id for c in shareable.comments] == ["yes"] and shareable.total == 1


def test_every_comment_is_redacted_like_a_story(engine: Engine) -> None:
    text = (
        "Søren here: call +45 12 34 56 78 or mail soren@firma.dk, "
        "Mette Holm in support never answered. See https://evil.example/x"
    )
    seed(engine, [{"customer_id": "c1", "comment": text}])
    [comment] = read(engine, known=KnownNames(["Mette Holm"])).comments
    assert comment.text == (
        "an SMB customer in Denmark here: call [number] or mail [e-mail], "
        "[name] in support never answered. See [link]"
    )


def test_the_language_is_the_detectors_or_else_the_customers_countrys(engine: Engine) -> None:
    seed(engine, [{"customer_id": "c2", "comment": "Snabbt svar i chatten."}])
    [unsure] = read(engine, detect_language=lambda _: "").comments
    assert unsure.language == "sv"  # c2 is in Sweden
    [detected] = read(engine, detect_language=lambda _: "no").comments
    assert detected.language == "no"


def test_a_long_comment_counts_from_its_start_but_is_never_complete(engine: Engine) -> None:
    seed(engine, [{"comment": "slow " * 1000}])
    [comment] = read(engine).comments
    assert len(comment.text) <= 2000 and not comment.complete


def test_many_comments_are_sampled_evenly_over_the_whole_period(engine: Engine) -> None:
    seed(
        engine,
        [{"responded_at": START + timedelta(hours=2 * n)} for n in range(300)],
    )
    sample = read(engine, limit=100)
    assert sample.total == 300 and len(sample.comments) == 100
    days = [c.responded_at for c in sample.comments]
    assert days == sorted(days)
    assert days[0] == START and days[-1] >= START + timedelta(days=24)  # spans the period


def test_csat_comments_come_from_an_import_with_their_consent(
    engine: Engine, write_csv, tmp_path
) -> None:  # noqa: ANN001
    seed(engine, [])
    path = write_csv(
        "csat.csv",
        "response_id,customer_id,score,responded_at,comment,consent_to_share",
        "s1,c3,2,2026-10-05T10:00:00Z,The invoice was wrong again.,yes",
        "s2,c5,5,2026-10-06T10:00:00Z,Friendly support.,no",
        "s3,c7,4,2026-10-07T10:00:00Z,,",
    )
    report = import_csv(engine, "csat_responses", path)
    assert report.rows == 3
    [unhappy] = read(engine, kpi="csat").comments
    assert (unhappy.response_id, unhappy.consented) == ("s1", True)
    happy = read(engine, "promoters", kpi="csat")
    assert [(c.response_id, c.consented) for c in happy.comments] == [("s2", False)]


def test_a_csat_comment_written_without_its_consent_is_not_shareable(engine: Engine) -> None:
    seed(engine, [], table=csat_responses)
    with engine.begin() as conn:  # as rows from before migration 0008 are
        conn.execute(
            insert(csat_responses).values(
                response_id="old", customer_id="c3", score=1, responded_at=START, comment="Slow."
            )
        )
    [comment] = read(engine, kpi="csat").comments
    assert comment.consented is False
    assert read(engine, kpi="csat", consented_only=True).comments == []


def test_newest_reads_only_the_latest_comments_newest_first(engine: Engine) -> None:
    seed(engine, [{"responded_at": START + timedelta(days=n)} for n in range(10)])
    latest = read(engine, newest=3)
    assert latest.total == 10
    assert [c.responded_at.day for c in latest.comments] == [10, 9, 8]

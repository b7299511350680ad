"""What detractors and promoters wrote about, this period against the one before: the
comment themes under `/kpi nps why` and `journeybot kpi nps --why` (NPS and CSAT).

It composes metrics (the comments, metrics/comments.py, redacted there as stories are) with
knowledge (the one text pipeline, knowledge/text.py, and the one language detector), which
may not import each other; so it lives in bot/, beside the other use cases, and returns
plain models that the CLI prints as JSON and bot/views/comment_themes.py renders.

Choices, written down:
- **Counted from every comment, quoted only with consent.** Customers who allow sharing are
  mostly promoters, so themes counted from consented comments alone would hide what
  detractors say. Counting is aggregate, over redacted text, and a theme is shown only when
  at least MIN_CUSTOMERS different customers wrote it in one of the two periods, so no theme
  can point at one person's words (an order number, a name redaction did not know). Quotes
  come from a second query that asks for consented comments only (in SQL): the current
  period's newest QUOTE_POOL, whole comments only (redaction saw all of the text).
- **A theme is a term or a two-word phrase**, read in the comment's language by
  knowledge.text `term_runs`: stopwords out, Snowball stems, glossary concepts. A term that
  names glossary concepts is those concepts, in every language ("ventetid", "ventetiden",
  "väntetid", "wait time" are waiting_time: the glossary exists to say so); any other term
  is its stem in its language ("ventede", "ventet"). A phrase is two adjacent terms of one
  run ("lang ventetid"); it is shown instead of a word when it holds at least half of the
  word's mentions. Themes whose comments are mostly the same (one sentence written by many)
  are shown once.
- **A comment's language** is the detector's when it is sure (knowledge.language `sure`),
  else the customer's country's: survey comments are short and often carry no evidence.
- **Counts and change**: a theme's mentions are the comments naming it (once per comment);
  its share is mentions ÷ comments read in that period; the change is in percentage points.
  Themes are ranked by their larger share of the two periods, so one that faded shows too.
- **Quotes**: at most QUOTES_PER_THEME per theme, newest first, no comment or wording twice
  in a group: the sentence that names the theme, cut to QUOTE_CHARS after redaction.
- **Low sample** follows metrics/why.py: fewer than KPI_MIN_SAMPLE comments in either period
  is said beside the group, never hidden.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel

from knowledge.language import sure
from knowledge.sentences import split_sentences
from knowledge.text import Term, term_runs
from metrics.comments import (
    GROUPS,
    SAMPLE_LIMIT,
    CommentGroup,
    CommentSample,
    SurveyComment,
    survey_comments,
    survey_of,
)
from metrics.models import Period
from metrics.stories.redaction import KnownNames

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.services import Services
    from metrics.kpi_query import KpiQuery
    from metrics.why import WhyResult

MIN_CUSTOMERS = 3
TOP_THEMES = 5
QUOTES_PER_THEME = 2
QUOTE_CHARS = 200
QUOTE_POOL = 200  # the newest consented comments quotes are looked for in
PHRASE_COVERS = 0.5
SAME_COMMENTS = 0.8  # Jaccard overlap above which two themes are one
OTHER_WORDS = 3

#: A term: "c:waiting_time" (glossary concepts, any language) or "s:da:vent" (a stem).
#: A theme is one term, or two for a phrase.
ThemeKey = tuple[str, ...]


class Quote(BaseModel):
    """A consented customer's words, redacted; escape before showing them in Slack."""

    text: str
    language: str
    score: int
    responded_at: datetime


class Theme(BaseModel):
    """`label` is the wording used most, `words` the others (customers' words: escape)."""

    label: str
    words: list[str]
    languages: list[str]
    phrase: bool
    mentions: int
    share: float | None
    mentions_before: int
    share_before: float | None
    change: float | None
    quotes: list[Quote]


class GroupThemes(BaseModel):
    """One group's themes. `comments` were written in the period, `read` of them counted (all,
    or an even sample); `low_sample` when either period has fewer than min_sample."""

    group: CommentGroup
    scores: list[int]
    comments: int
    comments_before: int
    read: int
    read_before: int
    low_sample: bool
    themes: list[Theme]


class CommentThemes(BaseModel):
    kpi: str
    period: Period
    previous_period: Period
    min_sample: int
    min_customers: int
    groups: list[GroupThemes]


def _most_first(counts: Counter[str]) -> list[str]:
    return sorted(counts, key=lambda item: (-counts[item], len(item), item))


def wording(key: ThemeKey, now: Tally, before: Tally) -> list[str]:
    """The words customers used for a theme, the most used first."""
    return _most_first(now.words.get(key, Counter()) + before.words.get(key, Counter()))


class Vocabulary:
    """The theme key of each term in a set of comments. A word that names glossary concepts
    is those concepts; a word that names none takes the concepts another inflection of it
    names in these comments ("pakken" goes with "pakker", shipping), else its stem."""

    def __init__(self, comments: Iterable[SurveyComment] = ()) -> None:
        seen: dict[tuple[str, str], Counter[str]] = {}
        for comment in comments:
            for run in term_runs(comment.text, comment.language):
                for term in run:
                    if term.concepts:
                        seen.setdefault((comment.language, term.stem), Counter())[
                            self._concepts(term)
                        ] += 1
        self._by_stem = {stem: _most_first(found)[0] for stem, found in seen.items()}

    @staticmethod
    def _concepts(term: Term) -> str:
        return "c:" + "+".join(sorted(term.concepts))

    def key(self, term: Term, language: str) -> str:
        if term.concepts:
            return self._concepts(term)
        return self._by_stem.get((language, term.stem), f"s:{language}:{term.stem}")

    def units(self, run: list[Term], language: str) -> list[tuple[str, str]]:
        """(key, words) per term; neighbours naming the same concepts are one glossary
        phrase ("hold time")."""
        units: list[tuple[str, str]] = []
        for term in run:
            key = self.key(term, language)
            if units and term.concepts and units[-1][0] == key:
                units[-1] = (key, f"{units[-1][1]} {term.word}")
            else:
                units.append((key, term.word))
        return units


def mentions(text: str, language: str, vocabulary: Vocabulary | None = None) -> dict[ThemeKey, str]:
    """The themes a text names, each with the words it first used for it."""
    vocabulary = vocabulary or Vocabulary()
    found: dict[ThemeKey, str] = {}
    for run in term_runs(text, language):
        units = vocabulary.units(run, language)
        for key, said in units:
            found.setdefault((key,), said)
        for (first, said_first), (second, said_second) in zip(units, units[1:], strict=False):
            if first != second:
                found.setdefault((first, second), f"{said_first} {said_second}")
    return found


@dataclass
class Tally:
    """One period's counts: which comments name each theme, whose, in which words."""

    read: int = 0
    comments: defaultdict[ThemeKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    customers: defaultdict[ThemeKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    words: defaultdict[ThemeKey, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    languages: defaultdict[ThemeKey, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    @classmethod
    def of(cls, comments: Iterable[SurveyComment], vocabulary: Vocabulary) -> Tally:
        tally = cls()
        for comment in comments:
            tally.read += 1
            for key, said in mentions(comment.text, comment.language, vocabulary).items():
                tally.comments[key].add(comment.response_id)
                tally.customers[key].add(comment.customer_id)
                tally.words[key][said] += 1
                tally.languages[key][comment.language] += 1
        return tally

    def count(self, key: ThemeKey) -> int:
        return len(self.comments.get(key, ()))

    def share(self, key: ThemeKey) -> float | None:
        return 100 * self.count(key) / self.read if self.read else None


def rank(now: Tally, before: Tally, *, top: int = TOP_THEMES) -> list[ThemeKey]:
    """The top themes: said by MIN_CUSTOMERS customers in one period, ranked by their larger
    share of the two; a phrase holding half of a word's mentions is shown instead of the word,
    and a theme found in mostly the same comments as one above it is left out."""
    candidates = [
        key
        for key in now.comments.keys() | before.comments.keys()
        if max(len(now.customers.get(key, ())), len(before.customers.get(key, ()))) >= MIN_CUSTOMERS
    ]

    def said(key: ThemeKey) -> int:
        return now.count(key) + before.count(key)

    replaced = {
        (word,)
        for key in candidates
        if len(key) == 2
        for word in key
        if said(key) >= PHRASE_COVERS * said((word,))
    }

    def weight(key: ThemeKey) -> tuple[float, int, int, str]:
        """Larger share first, then more mentions now, then the longer (more specific)
        wording: "forkert faktura" before "faktura igen" when both are in every comment."""
        larger = max(now.share(key) or 0.0, before.share(key) or 0.0)
        label = wording(key, now, before)[0]
        return -larger, -now.count(key), -len(label), label

    def where(key: ThemeKey) -> set[str]:
        return now.comments.get(key, set()) | before.comments.get(key, set())

    chosen: list[ThemeKey] = []
    for key in sorted((key for key in candidates if key not in replaced), key=weight):
        found = where(key)
        if all(len(found & where(o)) < SAME_COMMENTS * len(found | where(o)) for o in chosen):
            chosen.append(key)
            if len(chosen) == top:
                break
    return chosen


def _quote(comment: SurveyComment, key: ThemeKey, vocabulary: Vocabulary) -> Quote:
    sentences = split_sentences(comment.text) or [comment.text]
    chosen = next(
        (s for s in sentences if key in mentions(s, comment.language, vocabulary)), sentences[0]
    )
    if len(chosen) > QUOTE_CHARS:
        chosen = chosen[: QUOTE_CHARS - 1].rstrip() + "…"
    return Quote(
        text=chosen,
        language=comment.language,
        score=comment.score,
        responded_at=comment.responded_at,
    )


def _quotes(
    keys: list[ThemeKey], quotable: list[SurveyComment], vocabulary: Vocabulary
) -> dict[ThemeKey, list[Quote]]:
    newest = sorted(
        (c for c in quotable if c.consented and c.complete),
        key=lambda c: (c.responded_at, c.response_id),
        reverse=True,
    )
    named = [(c, mentions(c.text, c.language, vocabulary)) for c in newest]
    used: set[str] = set()
    found: dict[ThemeKey, list[Quote]] = {key: [] for key in keys}
    for key in keys:
        for comment, said in named:
            if len(found[key]) == QUOTES_PER_THEME:
                break
            if key not in said or comment.response_id in used:
                continue
            quote = _quote(comment, key, vocabulary)
            if quote.text not in used:
                used |= {comment.response_id, quote.text}
                found[key].append(quote)
    return found


def group_themes(
    group: CommentGroup,
    scores: list[int],
    now: list[SurveyComment],
    before: list[SurveyComment],
    quotable: list[SurveyComment],
    *,
    comments: int,
    comments_before: int,
    min_sample: int,
) -> GroupThemes:
    """One group's themes from its comments read in both periods (`comments` written in
    all) and the current period's consented ones to quote from."""
    vocabulary = Vocabulary([*now, *before])
    tally_now, tally_before = Tally.of(now, vocabulary), Tally.of(before, vocabulary)
    keys = rank(tally_now, tally_before)
    quotes = _quotes(keys, quotable, vocabulary)
    themes = []
    for key in keys:
        words = wording(key, tally_now, tally_before)
        share, share_before = tally_now.share(key), tally_before.share(key)
        themes.append(
            Theme(
                label=words[0],
                words=words[1 : 1 + OTHER_WORDS],
                languages=_most_first(
                    tally_now.languages.get(key, Counter())
                    + tally_before.languages.get(key, Counter())
                ),
                phrase=len(key) == 2,
                mentions=tally_now.count(key),
                share=share,
                mentions_before=tally_before.count(key),
                share_before=share_before,
                change=None if share is None or share_before is None else share - share_before,
                quotes=quotes[key],
            )
        )
    return GroupThemes(
        group=group,
        scores=scores,
        comments=comments,
        comments_before=comments_before,
        read=tally_now.read,
        read_before=tally_before.read,
        low_sample=min(comments, comments_before) < min_sample,
        themes=themes,
    )


def comment_language(text: str) -> str:
    """The detector's language when it is sure; "" lets the customer's country decide."""
    return sure(text) or ""


def _read(
    engine: Engine,
    kpi: str,
    group: CommentGroup,
    known: KnownNames,
    detect_language: Callable[[str], str],
    period: Period,
    *,
    segments: dict[str, str] | None,
    limit: int,
    consented_only: bool = False,
    newest: int | None = None,
) -> CommentSample:
    return survey_comments(
        engine,
        kpi,
        group,
        period.start,
        period.end,
        known=known,
        detect_language=detect_language,
        segments=segments,
        consented_only=consented_only,
        limit=limit,
        newest=newest,
    )


def comment_themes(
    engine: Engine,
    why: WhyResult,
    *,
    known: KnownNames,
    segments: dict[str, str] | None = None,
    min_sample: int = 30,
    detect_language: Callable[[str], str] = comment_language,
    limit: int = SAMPLE_LIMIT,
) -> CommentThemes | None:
    """The themes of the KPI's detractor and promoter comments over `why`'s two periods;
    None for a KPI whose answers carry no comments (anything but NPS and CSAT)."""
    if survey_of(why.kpi) is None:
        return None
    groups = []
    for group in GROUPS:
        read = partial(
            _read, engine, why.kpi, group, known, detect_language, segments=segments, limit=limit
        )
        now, before = read(why.period), read(why.previous_period)
        quotable = read(why.period, consented_only=True, newest=QUOTE_POOL)
        groups.append(
            group_themes(
                group,
                now.scores,
                now.comments,
                before.comments,
                quotable.comments,
                comments=now.total,
                comments_before=before.total,
                min_sample=min_sample,
            )
        )
    return CommentThemes(
        kpi=why.kpi,
        period=why.period,
        previous_period=why.previous_period,
        min_sample=min_sample,
        min_customers=MIN_CUSTOMERS,
        groups=groups,
    )


def themes_for(
    services: Services, query: KpiQuery, why: WhyResult, client: WebClient | None = None
) -> CommentThemes | None:
    """`comment_themes` with the services' database and KPI_MIN_SAMPLE; with a Slack client
    the workspace's people are redacted too, as in stories."""
    from bot.stories.workspace_people import known_people

    engine = services.engine()
    return comment_themes(
        engine,
        why,
        known=known_people(engine, client),
        segments=query.segments or None,
        min_sample=services.settings.kpi_min_sample,
    )

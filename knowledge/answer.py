"""The default answerer: lines quoted from the best-matching section, each cited.

Deterministic and offline. The question's shape (knowledge/question_kind.py) says what to
look for in the retrieved passages' structure (knowledge/passage.py):
- "which / what are the …" and "how do we …": a list whose heading, lead line or items
  match the question is answered with its lead line and its items (at most MAX_ITEMS);
- "how many / how much / when": the sentence with the figure (a digit) that matches best;
- "what is …": the defining sentence (the term first, "Definition: …", "X = …");
- anything else, and any shape not found: the best-matching sentences of one section.
Lines are scored by the question terms they (and their heading, which is context for the
lines under it) contain, through the glossary across languages, plus a bonus for the
passage's rank, so the answer keeps what the best passage says. Nothing is invented:
every line is quoted from a passage and cited; at most MAX_SENTENCES sentences or one
list, within MAX_ANSWER_CHARS. Command examples ("/kpi …") are quoted only for how-to
questions and worked formulas ("NPS = 55 − 20 = 35") only for figure questions: out of
context they mislead; a formula in words ("NPS = % of 9–10 minus % of 0–6") is a definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.messages import sources_language_note
from knowledge.models import Answer, Hit, Source
from knowledge.passage import parts
from knowledge.question_kind import (
    Kind,
    asks_for_a_name,
    asks_for_our_specifics,
    counted_thing,
    figure_subject,
    kind_of,
    names_someone,
    states_a_figure,
)
from knowledge.sentences import split_sentences as _sentences
from knowledge.text import Term, content_terms, matched

MAX_ANSWER_CHARS = 600
MAX_SENTENCES = 3
MAX_ITEMS = 6
MAX_SENTENCE_CHARS = 320
SNIPPET_CHARS = 240
PASSAGES_CONSIDERED = 5
MIN_NEW_SOURCE_OVERLAP = 0.34  # share of question terms a sentence from a further source needs
# What the passage's rank adds to a line's score: the best passage usually holds the
# answer (the "keeps top-1" figure of benchmarks/answers.py), so a later passage must
# match clearly better to lead the answer.
RANK_BONUS = (0.35, 0.15, 0.08, 0.04, 0.02)
# A figure line that names what the figure is of ("CLV blir 5 280 kr" for "what was CLV?")
# beats one that only shares the question's other words ("the third quarter has 92 days").
SUBJECT_BONUS = 0.2
_CITATION = " [{}]"

# An example question after a command or a mention ("Brug /ask hvordan beregnes NPS?",
# "@journeybot hvad er …?") shows how to ask; its words do not answer the question.
_EXAMPLE_QUESTION = re.compile(r"[/@][\w-]+\s[^?\n]{0,160}\?")
_SOURCE_LINE = re.compile(r"^(?:Sources?|Kilder?|Källa|Källor)\s*:", re.IGNORECASE)
_COMMAND = re.compile(r"^[/`$>]")
# A worked formula has a number right after "=" or around "×"/"÷" ("NPS = 55 − 20 = 35").
_WORKED = re.compile(r"=\s*[−–-]?\d|\d\s*[×÷*/]\s*\d")
# "How is NPS calculated?" asks for the formula: its definition line and its section lead.
_ASKS_FORMULA = re.compile(
    r"\b(?:calculat|comput|formula|measur|beregn|udregn|regne|regnes|formel|måle|måles|"
    r"räkna|räknar|räknas|beräkna|mäta|mäts|mäter)",
    re.IGNORECASE,
)
_FORMULA_SECTION = re.compile(r"formel|formula|definition|definisjon|beregn|beräkn|räkna", re.I)
# The verb that makes a sentence a definition, in da/no/sv/en (or a colon after the term).
_COPULA = re.compile(
    r"\b(?:is|are|means|measures|er|betyder|betyr|måler|är|innebär|mäter)\b|^[^.]{2,40}\):|^\w[\w -]{0,30}:",
    re.IGNORECASE,
)
_FORMULA_LINE = re.compile(r"^[\w ()·/%-]{2,40}\s=\s\S")
_DEFINITION_LINE = re.compile(
    r"^(?:Definition|Definisjon|Formel|Formula)\s*:|" + _FORMULA_LINE.pattern
)


def clean_passage(text: str) -> str:
    """Passage text as a reader should see it: no front matter, headings, link targets."""
    return "\n\n".join(
        "\n".join([part.heading, *(line.text for line in part.lines)]).strip()
        for part in parts(text)
    )


def split_sentences(text: str) -> list[str]:
    """Every quotable line of a passage: prose sentences and list items, in order."""
    return [line.text for part in parts(text) for line in part.lines]


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


@dataclass
class _Line:
    rank: int  # of its passage among the hits
    part: int  # of its part within the passage
    position: int  # within its part
    text: str
    item: int  # list number within the part, 0 for prose
    lead: bool
    covered: frozenset[str]  # question words this line (with its heading) contains
    own: frozenset[str]  # question words the line itself contains
    stems: frozenset[str]
    score: float


def _lines(
    question: list[Term],
    kind: Kind,
    formula: bool,
    language: str,
    hits: list[Hit],
    subject: list[Term] = (),  # type: ignore[assignment]
) -> list[_Line]:
    """Every quotable line of the top passages, scored against the question; `subject` is
    what a figure question asks the figure of (knowledge/question_kind.py)."""
    size = max(len(question), 1)
    found: list[_Line] = []
    for rank, hit in enumerate(hits[:PASSAGES_CONSIDERED]):
        chunk = hit.chunk
        for number, part in enumerate(parts(chunk.text, chunk.section)):
            heading = matched(question, content_terms(part.heading, chunk.language))
            context = frozenset(term.word for term in heading)
            formula_part = formula and bool(_FORMULA_SECTION.search(part.heading))
            for position, line in enumerate(part.lines):
                text = line.text
                announced = position > 0 and part.lines[position - 1].text.endswith(":")
                if len(text) < 8 or _SOURCE_LINE.search(text):
                    continue
                if _COMMAND.search(text) and kind is not Kind.HOWTO:
                    continue
                definition = bool(_DEFINITION_LINE.search(text))
                worked = bool(_WORKED.search(text))
                if _FORMULA_LINE.search(text) and not (
                    formula or kind is Kind.DEFINITION or (kind is Kind.FIGURE and worked)
                ):
                    continue  # "CLV = m · r / (1 + d − r)" answers only "how is it computed?"
                if worked and kind is not Kind.FIGURE:
                    continue
                prose = not line.item and not definition and not line.lead
                fragment = len(text) < 20 or not re.search(r"[.!…:)\"»”]$", text)
                if prose and fragment and not announced:
                    continue  # fragments and questions answer nothing
                terms = content_terms(_EXAMPLE_QUESTION.sub(" ", text), chunk.language)
                own = frozenset(term.word for term in matched(question, terms))
                covered = own | context
                score = (
                    len(own) / size
                    + 0.5 * len(context - own) / size
                    + RANK_BONUS[min(rank, len(RANK_BONUS) - 1)]
                    + (0.05 if chunk.language == language else 0.0)
                    + _shape_bonus(
                        kind, text, chunk.language, terms, question, definition, formula_part
                    )
                    + (SUBJECT_BONUS if subject and matched(subject, terms) else 0.0)
                )
                found.append(
                    _Line(
                        rank,
                        number,
                        position,
                        shorten(text, MAX_SENTENCE_CHARS),
                        line.item,
                        line.lead,
                        covered,
                        own,
                        frozenset(term.stem for term in terms),
                        score,
                    )
                )
    return found


def _shape_bonus(
    kind: Kind,
    text: str,
    language: str,
    terms: list[Term],
    question: list[Term],
    definition: bool,
    formula_part: bool,
) -> float:
    """How well the line has the shape the question asks for."""
    if kind is Kind.FIGURE:
        if not states_a_figure(text, language):
            return -0.1
        return 0.4 if _WORKED.search(text) or "≈" in text else 0.3  # a result, worked out
    bonus = 0.0
    if kind is Kind.LIST and text.count(",") >= 2:
        bonus += 0.1  # a list inside a sentence: "upptäckt, övervägande, köp, …"
    if kind is Kind.DEFINITION or formula_part:
        if definition:
            bonus += 0.3
        if matched(question, terms[:1]) and _COPULA.search(text[:60]):
            bonus += 0.25  # "Churn is …", "Kundefrafald er …", "NPS (…) måler …:"
        elif matched(question, terms[:3]):
            bonus += 0.1
    if formula_part:
        bonus += 0.1
    return bonus


@dataclass
class _List:
    lead: _Line | None
    items: list[_Line]
    score: float


def _lists(lines: list[_Line], question_size: int, kind: Kind) -> list[_List]:
    """Each list in the passages, scored by the question words of its heading, lead line
    and best item, plus a little for words its other items add (a long list must not win
    by sheer size); "which …" and "how do we …" questions prefer a list."""
    groups: dict[tuple[int, int, int], list[_Line]] = {}
    leads: dict[tuple[int, int], _Line] = {}
    for line in lines:
        if line.item:
            groups.setdefault((line.rank, line.part, line.item), []).append(line)
        elif line.lead:
            leads[(line.rank, line.part)] = line
    found = []
    size = max(question_size, 1)
    for (rank, part, _), items in groups.items():
        if len(items) < 2:
            continue
        lead = leads.get((rank, part))
        if lead is not None and lead.position > items[0].position:
            lead = None
        members = [lead, *items] if lead is not None else items
        best = max(members, key=lambda line: line.score)
        # The heading and the lead line speak for the whole list: full weight here.
        frame = best.own | (items[0].covered - items[0].own) | (lead.own if lead else frozenset())
        others = set().union(*(line.own for line in members)) - frame
        score = (
            len(frame) / size
            + 0.1 * len(others) / size
            + RANK_BONUS[min(rank, len(RANK_BONUS) - 1)]
            + _LIST_BONUS.get(kind, 0.0)
        )
        found.append(_List(lead, items, score))
    return found


def _belongs(line: _Line, found: _List) -> bool:
    first = found.items[0]
    if (line.rank, line.part) != (first.rank, first.part):
        return False
    return line is found.lead or (bool(line.item) and line.item == first.item)


# "Which …" and "how do we …" want a list; "how many …" wants one line, not its list.
_LIST_BONUS = {Kind.LIST: 0.15, Kind.HOWTO: 0.15, Kind.FIGURE: -0.2}


def _compose_list(chosen: _List) -> list[_Line]:
    """The lead line and up to MAX_ITEMS items within the length budget: every item's
    first sentence, then whole items for those that hold question words, best first."""
    lines = [chosen.lead] if chosen.lead is not None else []
    budget = MAX_ANSWER_CHARS - sum(len(line.text) + 6 for line in lines)
    items = chosen.items[:MAX_ITEMS]
    per_item = max(60, budget // max(len(items), 1) - 8)
    texts = [_first_sentence(item.text, per_item) for item in items]
    spare = budget - sum(len(text) + 8 for text in texts)
    for n in sorted(range(len(items)), key=lambda n: (-len(items[n].own), n)):
        whole = shorten(items[n].text, MAX_SENTENCE_CHARS)
        if items[n].own and len(whole) - len(texts[n]) <= spare:
            spare -= len(whole) - len(texts[n])
            texts[n] = whole
    for item, text in zip(items, texts, strict=True):
        lines.append(_Line(**{**item.__dict__, "text": text}))
    return lines


def _first_sentence(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    first = _sentences(text)[0]
    return shorten(first, limit)


def _pick(lines: list[_Line], question_size: int) -> list[_Line]:
    """The best line, then more from its passage (its own part first) that add question
    words, and a further passage only when it matches the question well on its own."""
    if not lines:
        return []
    best = max(lines, key=lambda line: (line.score, -line.rank, -line.part, -line.position))
    if not best.own and not best.covered:
        return []
    chosen = [best]
    covered = set(best.covered)
    length = len(best.text)

    def gain(line: _Line) -> tuple[float, int, int, int]:
        new = len(line.own - covered) / max(question_size, 1)
        near = 0.15 if (line.rank, line.part) == (best.rank, best.part) else 0.0
        next_to = 0.1 if line.rank == best.rank and line.position == best.position + 1 else 0.0
        return (line.score + 0.3 * new + near + next_to, -line.rank, -line.part, -line.position)

    remaining = [line for line in lines if line is not best]
    while remaining and len(chosen) < MAX_SENTENCES:
        candidate = max(remaining, key=gain)
        remaining.remove(candidate)
        same_part = (candidate.rank, candidate.part) == (best.rank, best.part)
        if not candidate.own and not (same_part and candidate.covered):
            continue  # a line under the best line's heading is context; others must match
        same_passage = any(line.rank == candidate.rank for line in chosen)
        weak = len(candidate.own) / max(question_size, 1) < MIN_NEW_SOURCE_OVERLAP
        if not same_passage and (weak or not candidate.own - covered):
            continue  # a new source must earn its citation with words of its own
        if length + len(candidate.text) + 6 > MAX_ANSWER_CHARS:
            continue
        if any(_similar(candidate, other) for other in chosen):
            continue
        chosen.append(candidate)
        covered |= candidate.own
        length += len(candidate.text) + 6
    for line in list(chosen):  # "… så här:" is incomplete without the line it announces
        if line.text.endswith(":"):
            after = next((o for o in lines if _follows(o, line)), None)
            if after is not None and after not in chosen:
                chosen.append(after)
    # The best line leads; the rest follow in reading order, its own passage first.
    order = {line.rank: n for n, line in enumerate(chosen)}
    rest = sorted(chosen[1:], key=lambda line: (order[line.rank], line.part, line.position))
    lead = next((line for line in rest if line.text.endswith(":") and _follows(best, line)), None)
    if lead is not None:  # "journeybot regner ut NPS slik:" goes before what it announces
        return [lead, best, *(line for line in rest if line is not lead)]
    return [best, *rest]


def _names_what_is_counted(question: str, language: str, hit: Hit) -> bool:
    """A "how many X" answer comes from a passage that names X (by word or concept)."""
    counted = counted_thing(question)
    if counted is None:
        return True
    wanted = content_terms(counted, language)
    if not wanted:
        return True  # "how many are …": nothing named to look for
    chunk = hit.chunk
    passage = content_terms(f"{chunk.title}. {chunk.section}. {chunk.text}", chunk.language)
    return bool(matched(wanted, passage))


def _follows(line: _Line, before: _Line) -> bool:
    return (line.rank, line.part, line.position) == (before.rank, before.part, before.position + 1)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _similar(a: _Line, b: _Line) -> bool:
    """Near-duplicates: mostly the same stems (the seed articles exist in Danish and in
    Norwegian) or mostly the same letters; unrelated sentences share under ~0.17 of 4-grams."""
    return _jaccard(a.stems, b.stems) > 0.5 or _jaccard(_grams(a.text), _grams(b.text)) > 0.22


def _grams(sentence: str) -> frozenset[str]:
    text = " ".join(sentence.lower().split())
    return frozenset(text[i : i + 4] for i in range(len(text) - 3))


def extractive_answer(question: str, language: str, hits: list[Hit]) -> Answer:
    """A short answer quoted from `hits` (best first), each line followed by [n]."""
    question_terms = content_terms(question, language)
    kind = kind_of(question)
    formula = bool(_ASKS_FORMULA.search(question))
    subject_word = figure_subject(question) if kind is Kind.FIGURE else None
    subject = content_terms(subject_word, language) if subject_word else []
    lines = _lines(question_terms, kind, formula, language, hits, subject)
    chosen = _pick(lines, len(question_terms))
    lead_language = hits[chosen[0].rank].chunk.language if chosen else language
    if kind is Kind.FIGURE and chosen and not states_a_figure(chosen[0].text, lead_language):
        chosen = []  # "how many …?" answered without a number is no answer: abstain
    if chosen and not _names_what_is_counted(question, language, hits[chosen[0].rank]):
        chosen = []  # "how many questions a day?" answered with a margin per customer
    if asks_for_a_name(question) and chosen and not names_someone(chosen[0].text):
        chosen = []  # "who is our DPO?" answered without a name is no answer either
    if (
        asks_for_our_specifics(question)
        and chosen
        and not (
            chosen[0].item
            or states_a_figure(chosen[0].text, lead_language)
            or names_someone(chosen[0].text)
        )
    ):
        chosen = []  # "what is our NPS target?" answered by what NPS is: no answer
    all_lists = _lists(lines, len(question_terms), kind)
    best_list = max(
        all_lists,
        key=lambda found: (found.score, -found.items[0].rank),
        default=None,
    )
    listed = False
    expands = chosen and (chosen[0].lead or (chosen[0].item and kind in (Kind.LIST, Kind.HOWTO)))
    if kind is Kind.FIGURE:
        pass  # the figure is one line; its list's other items are not the answer
    elif expands:
        best_list = next(
            (found for found in all_lists if _belongs(chosen[0], found)), best_list
        )  # the line that answers best introduces or is part of a list: quote the list
        if best_list is not None:
            chosen, listed = _compose_list(best_list), True
    elif best_list is not None and chosen and best_list.score > chosen[0].score:
        chosen, listed = _compose_list(best_list), True
    citation_of: dict[int, int] = {}
    rendered: list[str] = []
    sources: list[Source] = []
    for line in chosen:
        if line.rank not in citation_of:
            citation_of[line.rank] = len(citation_of) + 1
            sources.append(source_of(hits[line.rank], line.text))
        text = f"• {line.text}" if listed and line.item else line.text
        rendered.append(text + _CITATION.format(citation_of[line.rank]))
    separator = "\n" if listed else " "
    while len(rendered) > 1 and len(separator.join(rendered)) > MAX_ANSWER_CHARS:
        rendered.pop()  # the best line comes first; the budget cuts from the end
    passage_languages = [hits[rank].chunk.language for rank in citation_of]
    return Answer(
        answered=bool(rendered),
        answer=separator.join(rendered),
        language=language,
        sources=sources,
        note=sources_language_note(language, passage_languages),
    )


def source_of(hit: Hit, cited_text: str | None = None) -> Source:
    """The citation entry for a passage; the snippet starts at the cited line."""
    text = " ".join(clean_passage(hit.chunk.text).split())
    if cited_text:
        start = text.find(cited_text.rstrip("…")[:60])
        if start > 0:
            text = text[start:]
    return Source(
        title=hit.chunk.title,
        source=hit.chunk.source,
        snippet=shorten(text, SNIPPET_CHARS),
        score=round(float(hit.score), 4),
        section=hit.chunk.section,
        url=hit.chunk.url or None,
    )

"""What the bot says in its own words, in the asker's language (da/no/sv/en)."""

from __future__ import annotations

ABSTAIN = {
    "en": "I could not find this in the knowledge base. I can answer questions about "
    "customer-centric practice, KPIs like NPS and churn, segmentation and consent — or try /kpi.",
    "da": "Det kunne jeg ikke finde i vidensbasen. Jeg kan svare på spørgsmål om kundecentreret "
    "praksis, KPI'er som NPS og kundefrafald, segmentering og samtykke — eller prøv /kpi.",
    "no": "Jeg fant ikke dette i kunnskapsbasen. Jeg kan svare på spørsmål om kundesentrert "
    "praksis, KPI-er som NPS og kundeavgang, segmentering og samtykke — eller prøv /kpi.",
    "sv": "Jag hittade inte detta i kunskapsbasen. Jag kan svara på frågor om kundcentrerat "
    "arbete, KPI:er som NPS och kundbortfall, segmentering och samtycke — eller prova /kpi.",
}

LLM_FALLBACK = {
    "en": "The language model did not answer in time, so this is an extractive answer.",
    "da": "Sprogmodellen svarede ikke i tide, så dette er et uddrag fra kilderne.",
    "no": "Språkmodellen svarte ikke i tide, så dette er et utdrag fra kildene.",
    "sv": "Språkmodellen svarade inte i tid, så detta är ett utdrag ur källorna.",
}

LLM_ERROR = {
    "en": "The language model could not be reached, so this is an extractive answer.",
    "da": "Sprogmodellen kunne ikke nås, så dette er et uddrag fra kilderne.",
    "no": "Språkmodellen kunne ikke nås, så dette er et utdrag fra kildene.",
    "sv": "Språkmodellen gick inte att nå, så detta är ett utdrag ur källorna.",
}

LLM_UNGROUNDED = {
    "en": "The language model's answer cited no retrieved source, so this is an extractive answer.",
    "da": "Sprogmodellens svar henviste ikke til nogen kilde, så dette er et uddrag fra kilderne.",
    "no": "Språkmodellens svar viste ikke til noen kilde, så dette er et utdrag fra kildene.",
    "sv": "Språkmodellens svar hänvisade inte till någon källa, så detta är ett utdrag ur källorna.",
}

FALLBACK_NOTES = {"timeout": LLM_FALLBACK, "error": LLM_ERROR, "ungrounded": LLM_UNGROUNDED}

_LANGUAGE_NAMES = {
    "en": {"da": "Danish", "no": "Norwegian", "sv": "Swedish", "en": "English"},
    "da": {"da": "dansk", "no": "norsk", "sv": "svensk", "en": "engelsk"},
    "no": {"da": "dansk", "no": "norsk", "sv": "svensk", "en": "engelsk"},
    "sv": {"da": "danska", "no": "norska", "sv": "svenska", "en": "engelska"},
}

_QUOTED_IN = {
    "en": "The sources are in {names}; the answer quotes them.",
    "da": "Kilderne er på {names}; svaret citerer dem.",
    "no": "Kildene er på {names}; svaret siterer dem.",
    "sv": "Källorna är på {names}; svaret citerar dem.",
}

_SOME_QUOTED_IN = {
    "en": "Some sources are in {names}; the answer quotes them.",
    "da": "Nogle kilder er på {names}; svaret citerer dem.",
    "no": "Noen kilder er på {names}; svaret siterer dem.",
    "sv": "Några källor är på {names}; svaret citerar dem.",
}


def in_language(messages: dict[str, str], language: str) -> str:
    return messages.get(language, messages["en"])


def sources_language_note(language: str, passage_languages: list[str]) -> str | None:
    """A footer when quoted passages are not in the asker's language, else None."""
    foreign = sorted({lang for lang in passage_languages if lang != language})
    if not foreign:
        return None
    names = _LANGUAGE_NAMES.get(language, _LANGUAGE_NAMES["en"])
    joined = ", ".join(names.get(lang, lang) for lang in foreign)
    every = all(lang != language for lang in passage_languages)
    return in_language(_QUOTED_IN if every else _SOME_QUOTED_IN, language).format(names=joined)


def join_notes(*notes: str | None) -> str | None:
    kept = [note for note in notes if note]
    return " ".join(kept) if kept else None

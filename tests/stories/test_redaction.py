"""Redaction: no phone, national id, card number, e-mail or customer name survives; dates,
years, prices and percentages do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.redaction import describe_customer, redact

WHO = "en SMB-kunde i Sverige"


def digits_survive(secret: str, text: str) -> bool:
    """True if the secret's digit sequence is still readable in the text (separators ignored)."""
    wanted = re.sub(r"\D", "", secret)
    return wanted in re.sub(r"\D", "", text)


@pytest.mark.parametrize(
    "secret",
    [
        "+45 12 34 56 78",
        "12 34 56 78",
        "12345678",
        "+47 912 34 567",
        "+4791234567",
        "070-123 45 67",
        "+46 70 123 45 67",
        "+46 (0)70 123 45 67",
        "08-123 456 78",
        "010190-1234",
        "19900101-1234",
        "900101+1234",
        "01019012345",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "+1 415 555 2671",
        "+442071838750",
    ],
)
def test_known_phone_id_and_card_formats_are_removed(secret: str) -> None:
    text = f"Ring til mig på {secret}, tak."
    redacted = redact(text)
    assert not digits_survive(secret, redacted), redacted
    assert redacted.startswith("Ring til mig på ") and redacted.endswith(", tak.")


@pytest.mark.parametrize(
    "secret",
    [
        "CPR 01.01.90-1234",
        "01.01.1990-1234",
        "1990-01-01-1234",
        "01.01.90 1234",
        "12 34 56 78 kr",
        "12 34 56 78 DKK",
        "12 34 56 78 %",
        "12/34/56/78",
    ],
)
def test_a_number_glued_to_a_date_price_or_percentage_shape_is_still_removed(secret: str) -> None:
    # The date/price/percentage exceptions apply to the whole number, never to a piece of it.
    redacted = redact(f"Ring til mig på {secret}, tak.")
    assert not digits_survive(secret, redacted), redacted


@pytest.mark.parametrize(
    "kept",
    [
        "2026-10-01",
        "01.10.2026",
        "1.299 kr",
        "12.500 DKK",
        "1 299,50 kr",
        "25 %",
        "12,5%",
        "i 2024",
        "kl. 9:30",
        "3 ugers levering",
        "42 %",
        "01.10.2026 kl. 12:30",
        "01.10.2026-31.12.2026",
    ],
)
def test_dates_years_prices_and_percentages_are_kept(kept: str) -> None:
    text = f"Den 2026-10-01 skrev kunden: {kept} var fint."
    assert redact(text) == text


def test_email_addresses_are_removed() -> None:
    assert redact("Skriv til søren.ø+shop@firma-navn.dk nu") == "Skriv til [e-mail] nu"


def test_names_are_replaced_whole_word_and_case_insensitively() -> None:
    text = (
        "Søren Østergaard ringede. SØREN sagde, at Østergaards ordre var væk. Sørensen er en anden."
    )
    assert redact(text, names=["Søren Østergaard"], replacement_who=WHO) == (
        f"{WHO} ringede. {WHO} sagde, at {WHO} ordre var væk. Sørensen er en anden."
    )


@pytest.mark.parametrize("written", ["Soren Jorgensen", "Soeren Joergensen", "SOREN JORGENSEN"])
def test_a_name_written_without_nordic_letters_is_still_replaced(written: str) -> None:
    assert redact(f"{written} ringede.", names=["Søren Jørgensen"], replacement_who=WHO) == (
        f"{WHO} ringede."
    )


def test_a_genitive_with_a_curly_apostrophe_is_replaced_whole() -> None:
    assert redact("Lindqvist’s team svarade.", names=["Astrid Lindqvist"], replacement_who=WHO) == (
        f"{WHO} team svarade."
    )


def test_short_name_parts_are_left_alone() -> None:
    assert redact("Bo Ek og Bo", names=["Bo Ek"], replacement_who="X") == "X og Bo"


def test_the_descriptor_is_in_the_storys_language() -> None:
    assert describe_customer("smb", "SE", "sv") == "en SMB-kund i Sverige"
    assert describe_customer("smb", "DK", "da") == "en SMB-kunde i Danmark"
    assert describe_customer("enterprise", "NO", "no") == "en enterprise-kunde i Norge"
    assert describe_customer("smb", "SE", "en") == "an SMB customer in Sweden"
    assert describe_customer(None, None, "en") == "a customer"


# ---- properties ---------------------------------------------------------------------

separators = st.sampled_from([" ", "-", "", ".", " - ", "\u00a0", "/"])
prefixes = st.sampled_from(["", "+45 ", "+47 ", "+46 ", "0045 ", "+45", "tlf. ", "(+46) "])


@st.composite
def grouped_number(draw: st.DrawFn) -> str:
    """8–19 digits cut into random groups with random separators and a random prefix."""
    digits = draw(st.text("0123456789", min_size=8, max_size=19))
    groups, rest = [], digits
    while rest:
        size = draw(st.integers(1, 4))
        groups.append(rest[:size])
        rest = rest[size:]
    sep = draw(separators)
    return draw(prefixes) + sep.join(groups)


@st.composite
def national_id(draw: st.DrawFn) -> str:
    day = draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    tail = draw(st.text("0123456789", min_size=4, max_size=5))
    century = draw(st.sampled_from(["", "19", "20"]))
    sep = draw(st.sampled_from(["-", "+", "", " "]))
    if century:
        return f"{century}{year:02d}{month:02d}{day:02d}{sep}{tail[:4]}"
    return f"{day:02d}{month:02d}{year:02d}{sep}{tail}"


@st.composite
def dated_national_id(draw: st.DrawFn) -> str:
    """A national id written with the birth date as a date: 01.01.90-1234, 1990-01-01-1234."""
    day = draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(1930, 2010))
    tail = draw(st.text("0123456789", min_size=4, max_size=5))
    sep = draw(st.sampled_from(["-", "+", " ", "/", " - "]))
    date = draw(
        st.sampled_from(
            [
                f"{day:02d}.{month:02d}.{year % 100:02d}",
                f"{day:02d}.{month:02d}.{year}",
                f"{day}/{month}/{year % 100:02d}",
                f"{year}-{month:02d}-{day:02d}",
            ]
        )
    )
    return f"{date}{sep}{tail}"


@st.composite
def number_with_a_unit(draw: st.DrawFn) -> str:
    """A phone-like run followed by a currency or %: groups of 1, 2 or 4 digits are never a
    price's thousands (1.299 kr, 12 345 678 kr), so they must not pass as one."""
    digits = draw(st.text("0123456789", min_size=8, max_size=12))
    groups, rest = [], digits
    while rest:
        size = draw(st.sampled_from([1, 2, 4]))
        groups.append(rest[:size])
        rest = rest[size:]
    sep = draw(st.sampled_from([" ", "-", ".", "/", "\u00a0", " - "]))
    unit = draw(
        st.sampled_from([" kr", " kr.", "kr", " DKK", " SEK", " NOK", " EUR", ",-", " %", "%"])
    )
    return sep.join(groups) + unit


contexts = st.sampled_from(
    ["Mit nummer er {}.", "{}", "Ring ({}) i dag", "tlf:{} eller mail", "Kortnr. {}, udløb 2027"]
)


@settings(max_examples=300, deadline=None)
@given(
    number=st.one_of(grouped_number(), national_id(), dated_national_id(), number_with_a_unit()),
    context=contexts,
)
def test_no_pii_length_number_survives_in_any_format(number: str, context: str) -> None:
    redacted = redact(context.format(number))
    assert not digits_survive(number, redacted), (number, redacted)


_WITHOUT_NORDIC = str.maketrans("æøåäöéü", "aoaaoeu")
_DIGRAPHS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})


def respell(name: str, spelling: str) -> str:
    """The name as people type it without a Nordic keyboard (Søren → Soren / Soeren)."""
    table = {"without nordic letters": _WITHOUT_NORDIC, "with digraphs": _DIGRAPHS}.get(spelling)
    return name.lower().translate(table).capitalize() if table else name


nordic_name = st.text(alphabet="abcdefghijklmnoprstuvyæøåäöéü", min_size=3, max_size=12).map(
    str.capitalize
)


@settings(max_examples=300, deadline=None)
@given(
    first=nordic_name,
    last=nordic_name,
    template=st.sampled_from(
        [
            "{full} var glad.",
            "Tak, {first}! Hilsen {LAST}.",
            "{first}s ordre kom, og {last} skrev til os.",
            "Kunden ({full}) ringede; {first} {last} igen.",
            "{last}’s team svarade, och {first}'s också.",
        ]
    ),
    spelling=st.sampled_from(["as registered", "without nordic letters", "with digraphs"]),
)
def test_no_part_of_the_customers_name_survives(
    first: str, last: str, template: str, spelling: str
) -> None:
    full = f"{first} {last}"  # as the customers table holds it
    written_first, written_last = (respell(first, spelling), respell(last, spelling))
    text = template.format(
        full=f"{written_first} {written_last}",
        first=written_first,
        last=written_last,
        LAST=written_last.upper(),
    )
    redacted = redact(text, names=[full], replacement_who="<<who>>").replace("<<who>>", " ")
    assert "’s" not in redacted and "'s" not in redacted, (text, redacted)
    for part in (written_first, written_last):
        assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted, re.IGNORECASE), (
            text,
            redacted,
        )

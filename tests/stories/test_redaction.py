"""Redaction: no phone, national id, card number, e-mail, street address, link or known
person's name survives; dates, years, prices and percentages do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.stories.redaction import KnownNames, describe_customer, redact

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
        "070–123 45 67",
        "12  34  56  78",
        "+45 12 34\n56 78",
        "+45 12 34\r\n56 78",
        "+46\u202f70\u202f123\u202f45\u202f67",
        "12\u200934\u200956\u200978",
        "12\u00a034\u00a056\u00a078",
        "4111 – 1111 – 1111 – 1111",
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
        "01.10.2026 – 31.12.2026",
        "1\u202f299 kr",
        "12\u00a0500 DKK",
        "25\u00a0%",
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


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("Nørrebrogade 12, 2. th., 2200 København N", ["Nørrebrogade", "12", "2200", "København"]),
        ("Storgata 5B, 0155 Oslo", ["Storgata", "5B", "0155", "Oslo"]),
        ("Drottninggatan 45, 111 21 Stockholm", ["Drottninggatan", "45", "111 21", "Stockholm"]),
        ("Vesterbrogade 3", ["Vesterbrogade", "3"]),
        ("Karl Johans gate 22", ["Johans gate", "22"]),
        ("H.C. Andersens Boulevard 27, 1553 København V", ["Andersens", "27", "1553"]),
        ("Kungsvägen 7 A", ["Kungsvägen", "7 A"]),
        ("Bygdøy allé 5, st. tv.", ["Bygdøy allé", "5", "st. tv"]),
    ],
)
def test_street_addresses_are_removed(address: str, parts: list[str]) -> None:
    redacted = redact(f"Send den til {address}, tak.")
    assert redacted == "Send den til [address], tak.", redacted
    for part in parts:
        assert part not in redacted


@pytest.mark.parametrize(
    "url",
    [
        "linkedin.com/in/soren-jorgensen",
        "https://www.linkedin.com/in/soren-jorgensen/",
        "http://facebook.com/astrid.lindqvist?ref=1",
        "www.example.dk/kunder/mette-holm",
        "https://shop.example.dk/ordre/12345",
    ],
)
def test_links_are_removed_whole(url: str) -> None:
    assert redact(f"Se {url}. Tak.") == "Se [link]. Tak."


def test_other_peoples_names_known_to_the_database_are_removed() -> None:
    known = KnownNames(["Astrid Lindqvist", "Søren Jørgensen", "Kari Nordmann"])
    text = "Jeg talte med Soeren Joergensen og Astrid, og Lindqvists kollega Kari ringede."
    assert redact(text, known_names=known) == (
        "Jeg talte med [name] og [name], og [name] kollega [name] ringede."
    )


def test_the_customers_own_name_becomes_the_descriptor_and_others_become_a_placeholder() -> None:
    known = KnownNames(["Astrid Lindqvist", "Mette Holm"])
    text = "Mette Holm fik hjælp af Astrid."
    assert redact(text, names=["Mette Holm"], replacement_who=WHO, known_names=known) == (
        f"{WHO} fik hjælp af [name]."
    )


def test_a_known_name_that_is_also_a_common_word_is_removed_only_as_a_proper_noun() -> None:
    known = KnownNames(["Mette Glad", "Ole Berg"])
    text = "Glad hilsen fra Berg. Kunden var glad, og vi gik op ad et berg."
    assert redact(text, known_names=known) == (
        "[name] hilsen fra [name]. Kunden var glad, og vi gik op ad et berg."
    )


def test_links_and_addresses_leave_dates_prices_and_percentages_alone() -> None:
    text = "Den 01.10.2026 kostede det 1.299 kr, 12,5 % mindre end 12.5/10 i 2024."
    assert redact(text) == text


# ---- properties ---------------------------------------------------------------------

separators = st.sampled_from(
    [" ", "-", "", ".", " - ", "\u00a0", "/", "–", " – ", "  ", "\n", "\r\n", "\u202f", "\u2009"]
)
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
    sep = draw(st.sampled_from([" ", "-", ".", "/", "\u00a0", " - ", "–", "  ", "\u202f"]))
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


_STREET_TYPES = ["gade", "vej", "allé", "stræde", "gate", "gata", "veien", "gatan", "vägen", "gränd"]
_CITIES = ["København N", "Aarhus C", "Oslo", "Bergen", "Stockholm", "Göteborg", "Malmö"]


@st.composite
def street_address(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A Danish, Norwegian or Swedish address, and the parts of it that must not survive."""
    street = draw(nordic_name) + draw(st.sampled_from(_STREET_TYPES))
    number = f"{draw(st.integers(1, 299))}{draw(st.sampled_from(['', 'A', 'B', 'c']))}"
    floor = draw(st.sampled_from(["", ", 2. th.", ", st. tv.", ", 1. sal", " 3 mf"]))
    postcode = draw(st.sampled_from(["", "2200", "0155", "111 21", "41305"]))
    place = f", {postcode} {draw(st.sampled_from(_CITIES))}" if postcode else ""
    secrets = [street, number] + ([postcode] if postcode else [])
    return f"{street} {number}{floor}{place}", secrets


@settings(max_examples=300, deadline=None)
@given(
    address=street_address(),
    template=st.sampled_from(
        ["Send den til {}.", "{}", "Adresse: {} (bagdøren)", "Vi bor på {}, og pakken kom."]
    ),
)
def test_no_street_address_survives(address: tuple[str, list[str]], template: str) -> None:
    text, secrets = address
    redacted = redact(template.format(text))
    for secret in secrets:
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", redacted), (text, redacted)


@settings(max_examples=200, deadline=None)
@given(
    person=st.text(alphabet="abcdefghijklmnoprstuvyæøåäöéü-", min_size=3, max_size=20),
    host=st.sampled_from(["linkedin.com/in/", "https://www.facebook.com/", "www.instagram.com/"]),
)
def test_no_link_survives(person: str, host: str) -> None:
    redacted = redact(f"Profil: {host}{person} (privat)")
    assert redacted == "Profil: [link] (privat)", redacted


@settings(max_examples=300, deadline=None)
@given(
    people=st.lists(st.tuples(nordic_name, nordic_name), min_size=1, max_size=5),
    spelling=st.sampled_from(["as registered", "without nordic letters", "with digraphs"]),
    template=st.sampled_from(
        ["{full} hjalp os.", "Tak til {first} og {last}!", "{last}s kollega svarede."]
    ),
)
def test_no_capitalised_name_of_anyone_known_survives(
    people: list[tuple[str, str]], spelling: str, template: str
) -> None:
    known = KnownNames(f"{first} {last}" for first, last in people)
    first, last = (respell(part, spelling) for part in people[-1])
    text = template.format(full=f"{first} {last}", first=first, last=last)
    redacted = redact(text, known_names=known)
    for part in (first, last):
        assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted), (text, redacted)

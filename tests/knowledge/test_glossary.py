"""The glossary file: one entry per concept, named in all four languages, ids unique."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge import glossary

LANGUAGES = ("da", "no", "sv", "en")


def test_every_glossary_entry_names_its_concept_in_danish_norwegian_swedish_and_english() -> None:
    entries = glossary.read_entries(glossary.GLOSSARY_FILE)
    assert len(entries) >= 1000
    missing = [
        name for name, forms in entries.items() if not all(forms[lang] for lang in LANGUAGES)
    ]
    assert not missing, f"entries without all four languages: {missing[:10]}"


def test_glossary_ids_are_unique_in_the_file() -> None:
    ids = re.findall(r"^([^\s#][^:]*):", glossary.GLOSSARY_FILE.read_text(encoding="utf-8"), re.M)
    duplicates = sorted({name for name in ids if ids.count(name) > 1})
    assert not duplicates, f"ids defined more than once (YAML keeps only the last): {duplicates}"


def test_each_entry_has_only_the_four_language_keys_and_lowercase_forms() -> None:
    raw = yaml.safe_load(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    for name, entry in raw.items():
        keys = {"no" if key is False else key for key in entry}
        assert keys == set(LANGUAGES), name
        for forms in entry.values():
            assert all(str(form) == str(form).lower() for form in forms), name


def test_the_glossary_is_the_one_file_and_explains_its_format() -> None:
    text = glossary.GLOSSARY_FILE.read_text(encoding="utf-8")
    assert text.startswith("# The cross-lingual glossary")
    assert not (Path(glossary.__file__).parent / "lexicon.yaml").exists()


def test_a_concept_is_found_through_an_inflection_a_compound_and_another_language() -> None:
    assert "churn" in glossary.concepts_of("kundefrafaldet")
    assert "customer" in glossary.concepts_of("kundernes")
    assert "consent" in glossary.concepts_of("samtycket")
    assert "journey" not in glossary.concepts_of("rejse")  # travel is not the customer journey

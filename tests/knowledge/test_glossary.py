"""The glossary file: one entry per concept, named in all four languages, ids unique."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
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


GLOSSARY_SAMPLE = """\
churn:
  da: [frafald]
  no: [frafall]
  sv: [bortfall]
  en: [churn]
"""


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each glossary file built from its YAML (not loaded compiled), in order."""
    build = glossary._build_index
    paths: list[Path] = []

    def counting(at: Path) -> object:
        paths.append(at)
        return build(at)

    monkeypatch.setattr(glossary, "_build_index", counting)
    return paths


def test_a_new_process_loads_the_compiled_glossary_instead_of_building_it_again(
    tmp_path: Path, built: list[Path]
) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY_SAMPLE, encoding="utf-8")
    first = glossary._compiled(path)
    again = glossary._compiled(path)
    assert built == [path] and again == first
    (compiled,) = (tmp_path / "__pycache__").iterdir()
    assert compiled.name.startswith("glossary.") and compiled.suffix == ".pickle"


def test_an_edited_glossary_is_compiled_again_and_the_old_compilation_removed(
    tmp_path: Path, built: list[Path]
) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY_SAMPLE, encoding="utf-8")
    glossary._compiled(path)
    path.write_text(GLOSSARY_SAMPLE.replace("[churn]", "[churn, attrition]"), encoding="utf-8")
    edited = glossary._compiled(path)
    assert built == [path, path]
    assert edited.by_word["attrition"] == frozenset({"churn"})
    assert len(list((tmp_path / "__pycache__").iterdir())) == 1


def test_a_damaged_or_foreign_compiled_glossary_is_built_again_not_trusted(
    tmp_path: Path, built: list[Path]
) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY_SAMPLE, encoding="utf-8")
    right = glossary._compiled(path)
    (compiled,) = (tmp_path / "__pycache__").iterdir()

    compiled.write_bytes(compiled.read_bytes()[:100])  # a torn write
    assert glossary._compiled(path) == right and len(built) == 2

    other = tmp_path / "other" / "glossary.yaml"  # same code, another file's compilation
    other.parent.mkdir()
    other.write_text(GLOSSARY_SAMPLE.replace("[churn]", "[lasagne]"), encoding="utf-8")
    glossary._compiled(other)
    (foreign,) = (other.parent / "__pycache__").iterdir()
    compiled.write_bytes(foreign.read_bytes())  # the right name, another key inside
    assert glossary._compiled(path) == right and len(built) == 4


def test_a_glossary_whose_folder_cannot_be_written_is_still_compiled(
    tmp_path: Path, built: list[Path]
) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY_SAMPLE, encoding="utf-8")
    (tmp_path / "__pycache__").write_text("a file where the folder would be", encoding="utf-8")
    assert glossary._compiled(path).by_word["churn"] == frozenset({"churn"})
    assert built == [path]

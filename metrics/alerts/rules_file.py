"""Reading the targets and alert rules file, so that every mistake names its line.

An operator edits this file by hand, and `journeybot serve` refuses to start with a bad one
(bot/config.py checks ALERT_RULES_FILE), so each error becomes one sentence: the file, the
line and what is wrong (RulesFileError), never a traceback. YAML is composed to nodes first:
they carry the line of every key and value, and show what plain loading hides (a key given
twice, where the last would silently win). Anchors and aliases are refused: they gain little
in a file this size and can blow it up a billionfold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from metrics.alerts.rules import AlertRule, RuleBook
from metrics.errors import RulesFileError

#: The shipped defaults, beside the KPI definitions (metrics/registry.py).
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "targets.yaml"
MAX_BYTES = 256 * 1024
MAX_RULES = 200
_FIELDS = {
    "RuleBook": ", ".join(RuleBook.model_fields),
    "AlertRule": ", ".join(AlertRule.model_fields),
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_rule_book(path: Path | None = None) -> RuleBook:
    """The targets and rules in `path` (default: the shipped metrics/targets.yaml).
    Raises RulesFileError with the line and the reason."""
    path = path or DEFAULT_FILE
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesFileError(shown, "there is no such file") from None
    except IsADirectoryError:
        raise RulesFileError(shown, "it is a folder, not a file") from None
    except OSError as error:
        raise RulesFileError(shown, f"it cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_BYTES:
        raise RulesFileError(shown, f"it is larger than {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RulesFileError(shown, "it is not UTF-8 text", line) from None
    return parse_rule_book(text, shown)


def parse_rule_book(text: str, source: str = "<rules>") -> RuleBook:
    """The RuleBook written in `text`; `source` names it in errors."""
    root = _yaml(yaml.compose, text, source)
    if root is None:
        return RuleBook()
    _check_nodes(root, source)
    data = _yaml(yaml.load, text, source)  # tags (!!python/…) and bad values fail here
    if not isinstance(data, dict):
        raise RulesFileError(
            source, "the file must be a mapping with `targets:` and `alerts:`", _line(root)
        )
    rules = data.get("alerts")
    if isinstance(rules, list):
        if len(rules) > MAX_RULES:
            raise RulesFileError(source, f"it has {len(rules)} rules, more than {MAX_RULES}")
        _unique_names(rules, root, source)
    try:
        return RuleBook.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        node = _node_at(root, first["loc"])
        raise RulesFileError(source, _reason(first), _line(node)) from None


def _yaml(read: Any, text: str, source: str) -> Any:  # noqa: ANN401 (a node or the data)
    """`read(text)` with every YAML failure as RulesFileError, naming the line if known."""
    try:
        return read(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = f"it is not valid YAML ({error.problem or error.context})"
        raise RulesFileError(source, reason, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise RulesFileError(source, f"it is not valid YAML ({error})") from None
    except RecursionError:
        raise RulesFileError(source, "it is nested too deeply") from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_nodes(node: yaml.Node, source: str) -> None:
    """Refuses aliases and keys given twice in one mapping, naming the line."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise RulesFileError(
                source, "anchors and aliases (& and *) are not supported", _line(current)
            )
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        raise RulesFileError(source, f"`{key.value}` is given twice", _line(key))
                    keys.add(key.value)
                stack += [key, value]
        elif isinstance(current, yaml.SequenceNode):
            stack += current.value


def _unique_names(rules: list[Any], root: yaml.Node, source: str) -> None:
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        name = rule.get("name") if isinstance(rule, dict) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            line = _line(_node_at(root, ("alerts", index, "name")))
            raise RulesFileError(
                source, f"the rule name {name!r} is used twice; names must be unique", line
            )
        seen.add(name)


def _node_at(root: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    """The node on pydantic's error path (`("alerts", 1, "below")`): a field's key (its line
    is where the operator looks), a list item, or the deepest node the path reaches."""
    node = root
    for index, step in enumerate(loc):
        rest = loc[index + 1 :]
        if isinstance(node, yaml.MappingNode):
            found = next((pair for pair in node.value if pair[0].value == str(step)), None)
            if found is None:
                return node
            key, value = found
            if not rest or rest[0] == "[key]":
                return key
            node = value
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                return node
            node = node.value[step]
        else:
            return node
    return node


def _field(loc: tuple[Any, ...]) -> str:
    names = [str(step) for step in loc if isinstance(step, str) and step != "[key]"]
    return names[-1] if names else "the file"


def _reason(error: dict[str, Any]) -> str:
    """A pydantic error as words an operator acts on."""
    kind, loc, raw = error["type"], tuple(error["loc"]), error.get("input")
    given = repr(raw) if isinstance(raw, str) else str(raw)
    field = _field(loc)
    if "[key]" in loc and kind != "value_error":
        return f"`{loc[loc.index('[key]') - 1]}` is not a KPI name"
    if kind == "missing":
        return f"`{field}` is missing"
    if kind == "extra_forbidden":
        model = "AlertRule" if any(isinstance(step, int) for step in loc) else "RuleBook"
        where = "a rule" if model == "AlertRule" else "the file"
        return f"`{field}` is not a known field; {where} has {_FIELDS[model]}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
        return f"`{field}` {message[3:]}" if message.startswith("it ") else message
    if kind in ("float_parsing", "float_type"):
        return f"`{field}` must be a number, not {given}"
    if kind == "finite_number":
        return f"`{field}` must be a finite number"
    if kind == "string_type":
        return f"`{field}` must be text, not {given}"
    if kind == "list_type":
        return f"`{field}` must be a list of rules, each starting with `- name:`"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if field == "segments":
            return "`segments` must map keys to values, like {segment: enterprise}"
        if field == "targets":
            return "`targets` must map KPI names to numbers, like {nps: 40}"
        return "a rule must be a mapping of fields (name, kpi, …), not a single value"
    return f"`{field}`: {error['msg'].rstrip('.')}"

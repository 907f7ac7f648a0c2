"""Rule selectors (code, prefix, name), Ruff-style layering and severity overrides."""

from __future__ import annotations

import pytest

from analyzers.selection import (
    SelectionLayer,
    SelectorError,
    all_codes,
    enabled_codes,
    resolve,
    severity_overrides,
    split_selectors,
)
from policypack.rules.base import Severity

ALL = frozenset(all_codes())
SG2 = frozenset(code for code in ALL if code.startswith("SG2"))


def test_selectors_resolve_codes_prefixes_and_names() -> None:
    assert resolve("SG201") == (frozenset({"SG201"}), 5)
    assert resolve("sg201")[0] == {"SG201"}
    assert resolve("rds-parameter-group-family-mismatch") == (frozenset({"SG201"}), 5)
    assert resolve("SG2") == (SG2, 3)
    assert resolve("SG")[0] == ALL == resolve("ALL")[0]
    assert len(SG2) >= 3


@pytest.mark.parametrize("selector", ["SG9", "SG2011", "rds", "", "E501"])
def test_unknown_selectors_are_errors(selector: str) -> None:
    with pytest.raises(SelectorError):
        resolve(selector)


def test_split_comma_separated_and_repeated_flags() -> None:
    assert split_selectors(["SG2,SG301", " sg101 ", ""]) == ("SG2", "SG301", "sg101")


def test_default_is_every_rule() -> None:
    assert enabled_codes([]) == ALL
    assert enabled_codes([SelectionLayer()]) == ALL


def test_select_replaces_extend_adds_ignore_removes() -> None:
    layer = SelectionLayer(select=("SG2",), extend_select=("SG101",), ignore=("SG202",))
    assert enabled_codes([layer]) == (SG2 - {"SG202"}) | {"SG101"}


def test_more_specific_selector_wins_inside_a_layer() -> None:
    assert enabled_codes([SelectionLayer(select=("SG201",), ignore=("SG2",))]) == {"SG201"}
    assert enabled_codes([SelectionLayer(select=("SG2",), ignore=("SG201",))]) == SG2 - {"SG201"}
    # same specificity: ignore wins
    assert enabled_codes([SelectionLayer(select=("SG201",), ignore=("SG201",))]) == frozenset()


def test_cli_layer_overrides_the_config_layer() -> None:
    config = SelectionLayer(select=("SG2",), ignore=("SG203",))
    assert enabled_codes([config, SelectionLayer(select=("SG3",))]) == frozenset(
        code for code in ALL if code.startswith("SG3"))
    # a CLI layer without select keeps the config's choice and removes more
    assert enabled_codes([config, SelectionLayer(ignore=("SG202",))]) == SG2 - {"SG202", "SG203"}
    # and can bring back what the config ignored
    assert "SG203" in enabled_codes([config, SelectionLayer(extend_select=("SG203",))])


def test_severity_overrides_most_specific_wins() -> None:
    overrides = severity_overrides({"SG2": "info", "SG201": "off", "rds-engine-version-end-of-support": "error"})
    assert overrides["SG201"] is None
    assert overrides["SG202"] is Severity.ERROR
    assert overrides["SG203"] is Severity.INFO
    assert "SG101" not in overrides

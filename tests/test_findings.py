"""The findings catalogue: every finding type renders from its declared parameters, and `finding()` holds every
finding to its declaration, so that a forgotten value fails here and not in a submitter's feedback at night."""

from __future__ import annotations

import pickle

import pytest

from pipeline.core.finding_types import CellFinding, FileFinding, placeholders
from pipeline.core.findings import CATALOGUE, ERROR, Finding, finding

SAMPLE_LOCATION = {"sheet": "성과목표", "cell": "K5", "field": "목표치", "value": "미정"}


def sample(code: str) -> Finding:
    """A finding of this type made from its declared sample parameters, at a location its scope may name."""
    kind = CATALOGUE[code]
    location = {k: v for k, v in SAMPLE_LOCATION.items() if k in kind.location}
    return finding(code, **location, **kind.params)


@pytest.mark.parametrize("code", list(CATALOGUE))
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_finding_renders_from_its_declared_parameters(code: str, lang: str) -> None:
    f = sample(code)
    message, hint = f.message(lang), f.hint(lang)
    assert message and hint
    assert "{" not in message + hint, (message, hint)


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_declared_parameter_is_used_by_a_text(code: str) -> None:
    kind = CATALOGUE[code]
    assert set(kind.params) <= placeholders(kind.message, kind.hint)


def test_a_finding_without_its_parameter_is_refused_where_it_is_made() -> None:
    with pytest.raises(TypeError, match="missing \\['expected'\\]"):
        finding("file.not_template")
    assert "'성과목표'" in finding("file.not_template", expected="성과목표").message("ko")


def test_an_undeclared_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown \\['detail'\\]"):
        finding("file.empty", detail="0 bytes")
    with pytest.raises(TypeError, match="unknown \\['choices_en', 'choices_ko'\\]"):
        finding("cell.required", sheet="성과목표", cell="E5", field="평가방법", choices_ko="…", choices_en="…")


def test_a_file_finding_names_no_cell() -> None:
    with pytest.raises(TypeError, match="not in a file"):
        finding("file.empty", sheet="성과목표", cell="A1")


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError):
        finding("cell.nope")


def test_a_definition_whose_texts_use_an_undeclared_value_is_refused() -> None:
    with pytest.raises(ValueError, match="\\['limit'\\]"):
        CellFinding("cell.x", ERROR, ("{limit}자", "{limit} characters"), ("줄이세요", "Shorten it"), "…")
    with pytest.raises(ValueError, match="\\['field'\\]"):  # a file finding has no column heading
        FileFinding("file.x", ERROR, ("'{field}'", "'{field}'"), ("고치세요", "Fix it"), "…")


def test_findings_survive_pickling_and_the_ledger_record() -> None:
    for code in CATALOGUE:
        f = sample(code)
        assert pickle.loads(pickle.dumps(f)) == f
        assert Finding.from_record(f.to_record()) == f


def test_a_long_value_is_cut_for_the_message() -> None:
    f = finding("value.not_number", sheet="성과목표", cell="K5", field="목표치", value="9" * 1000)
    assert len(f.value) == 200 and f.value.endswith("…")

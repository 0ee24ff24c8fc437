"""Every text a person can see has Vietnamese words, and every error code has a message."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error, set_language
from counter_app.services.messages import ERROR_MESSAGES, OS_REASONS, PARAM_WORDS

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "resources/translations/vi/LC_MESSAGES/counter_app.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return read_po(f, locale="vi")


def _source_msgids() -> set[str]:
    ids: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        ROOT / "counter_app", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple):  # ngettext: the catalog is keyed by the singular
            if message[0]:
                ids.add(message[0])
        elif message:
            ids.add(message)
    return ids


def test_every_msgid_in_the_code_has_a_vietnamese_translation() -> None:
    catalog = _catalog()
    missing = sorted(
        m for m in _source_msgids() if m not in catalog or not catalog[m].string or catalog[m].fuzzy
    )
    assert missing == []


def test_translations_keep_the_placeholders() -> None:
    for message in _catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{[a-z_]+", ids[0]))
        for s in strings:
            assert set(re.findall(r"\{[a-z_]+", s)) == wanted, message.id


def test_every_raised_error_code_has_a_message() -> None:
    raised: set[str] = set()
    for path in (ROOT / "counter_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "DomainError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                raised.add(node.args[0].value)
    assert raised, "the scan found no DomainError at all"
    assert sorted(raised - set(ERROR_MESSAGES)) == []


@pytest.mark.parametrize("table", [ERROR_MESSAGES, OS_REASONS, PARAM_WORDS])
def test_message_tables_are_translated(table: dict[str, str]) -> None:
    catalog = _catalog()
    assert sorted(v for v in table.values() if v not in catalog or not catalog[v].string) == []


def test_describe_error_words_dates_and_enum_values() -> None:
    set_language("vi")
    text = describe_error(DomainError("dossier_code.no_lease", agency_code="000.00.06.H27", day=date(2026, 11, 30)))
    assert text == "Máy này chưa được cấp khối số hồ sơ cho 000.00.06.H27 vào ngày 30/11/2026."
    text = describe_error(DomainError("cccd.gender_mismatch", number_gender="female", gender="male"))
    assert "giới tính nữ" in text and "là nam" in text


def test_unknown_error_is_polite_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    set_language("vi")
    assert describe_error(RuntimeError("boom")) == "Đã xảy ra lỗi. Chi tiết đã được ghi vào nhật ký."
    assert "boom" in caplog.text


def test_english_is_the_second_language() -> None:
    set_language("en")
    try:
        assert describe_error(DomainError("auth.bad_credentials")) == "Wrong user name or password."
    finally:
        set_language("vi")

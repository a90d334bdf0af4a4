"""PINE's one text rule (no control characters; no line breaks in single-line text) on every form, and the
sanitisers that keep each kind of output safe for text stored before the rule."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import pine
from pine.core import text
from pine.core.forms import GovukForm, GovukModelForm

BAD = "a\x1bb\x00c\x0bd"


def _pine_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(pine.__path__, "pine."):
        if module.name.split(".")[-1] in {"__main__", "wsgi"} or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("pine.") and sub not in found:
                found.append(sub)
    return found


def test_every_text_field_of_every_form_in_pine_carries_the_text_rule() -> None:
    """Every form class in PINE is a GOV.UK form (or a mixin used only by them), and every text field on it has
    the rule, multi-line exactly when it is a text area."""
    classes = _pine_form_classes()
    assert len(classes) > 40  # the walk found the forms of every app
    checked = 0
    for cls in classes:
        if not issubclass(cls, GovukForm | GovukModelForm):
            users = cls.__subclasses__()
            assert users and all(issubclass(u, GovukForm | GovukModelForm) for u in users), (
                f"{cls.__module__}.{cls.__name__} must derive from GovukForm or GovukModelForm"
            )
            continue
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField):
                rules = [v for v in field.validators if isinstance(v, text.TextRule)]
                assert len(rules) == 1, f"{cls.__name__}.{name} has no text rule"
                assert rules[0].multiline == isinstance(field.widget, forms.Textarea), f"{cls.__name__}.{name}"
                checked += 1
    assert checked > 100


class _Example(GovukForm):
    title = forms.CharField(label="Project title")
    summary = forms.CharField(label="What is the intervention?", widget=forms.Textarea)


def test_single_line_text_refuses_line_breaks_with_the_field_name() -> None:
    """A line break inside a single-line field is an error naming the field, in plain English."""
    form = _Example({"title": "Thematic\r\npractice", "summary": "ok"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Project title must not contain line breaks"]


@pytest.mark.parametrize("bad", ["\x1b", "\x00", "\x0b", "\x7f"])
def test_control_characters_are_refused_with_one_plain_message(bad: str) -> None:
    """Any control character is refused in both kinds of field, with one message (not Django's null-byte one)."""
    form = _Example({"title": f"Thematic{bad}weeks", "summary": f"Line one\nline{bad} two"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Remove the invisible control characters from the project title"]
    assert form.errors["summary"] == ["Remove the invisible control characters from your answer"]


def test_text_areas_keep_line_breaks_and_tabs() -> None:
    """A text area accepts line breaks (as browsers send them, CR LF) and tabs."""
    form = _Example({"title": "Thematic weeks", "summary": "First\r\nSecond\n\tindented"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["summary"] == "First\r\nSecond\n\tindented"


def test_fields_added_after_the_class_was_made_get_the_rule_too() -> None:
    """A field added to a form at run time (a survey page, a proposal question) is checked the same way."""
    form = GovukForm({"extra": "two\nlines"})
    form.fields["extra"] = forms.CharField(label="Team name")
    assert not form.is_valid()
    assert form.errors["extra"] == ["Team name must not contain line breaks"]


def test_model_forms_get_the_rule() -> None:
    """A model form's generated text fields carry the rule (the organisation form's name)."""
    from pine.accounts.forms import OrganisationForm

    form = OrganisationForm({"name": "Hartwell\nBorough", "kind": "local_authority", "region": "london"})
    assert not form.is_valid()
    assert "must not contain line breaks" in form.errors["name"][0]


def test_the_sanitisers_make_each_kind_of_output_safe() -> None:
    """XML text keeps tabs and line breaks but nothing XML refuses; one-line text has no line breaks at all."""
    assert text.xml_text("a\x1bb\x00c\td\ne\x0bf\ufffe") == "abc\td\ne\nf"
    assert text.one_line("Thematic\r\n weeks\x1b for\u2028all") == "Thematic weeks for all"
    assert text.ics_text("One\r\ntwo\x1b\tthree", multiline=True) == "One\ntwo\tthree"
    assert text.ics_text("One\r\ntwo") == "One two"


def test_xlsx_cells_lose_what_xlsx_cannot_hold_and_stay_safe_from_formulas() -> None:
    """An XLSX cell has no control characters, and a formula hidden behind one is still neutralised."""
    from pine.core.exports import xlsx_cell

    assert xlsx_cell(BAD) == "abc\nd"
    assert xlsx_cell("\x1b=HYPERLINK()") == "'=HYPERLINK()"
    assert xlsx_cell(4) == 4

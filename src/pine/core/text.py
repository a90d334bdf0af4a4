"""The one rule for text people give PINE, and the sanitisers that keep every download and email safe.

The rule: single-line text (a title, a name, a short answer) has no line breaks and no control characters;
multi-line text (a text area, a long answer) may have line breaks and tabs but no other control character.
Control characters cannot be typed, only pasted (from a case-management system, a terminal, a PDF), and they
break the formats PINE writes: XLSX and DOCX refuse them, an SVG with one is not an image, and a line break
in an email subject stops the email. Every form gets the rule from `core.forms`; survey answers, imported
cells and the API's schemas use `problem` directly.

Text stored before the rule, or arriving some other way, is made safe on the way out by one function per kind
of output: `xml_text` (DOCX, SVG, PNG, PDF), `one_line` (email subjects and headers), `ics_text` (calendar
files); XLSX cells go through `core.exports.xlsx_cell`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.utils import pretty_name

# Line breaks: LF, CR and the Unicode line and paragraph separators (which some programs also break lines at).
LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")
# Control characters allowed nowhere: C0 except tab, LF and CR, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What XML 1.0 cannot hold at all (DOCX and SVG are XML): C0 except tab, LF and CR; lone surrogates; U+FFFE/F.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
WORD_BREAKS = re.compile(r"[\x0b\x0c]")
# Everything that would end or fold a header line, or be invisible in one, for one-line outputs.
NOT_ON_ONE_LINE = re.compile(r" *[\x00-\x1f\x7f\x85\u2028\u2029][\x00-\x1f\x7f\x85\u2028\u2029 ]*")

Problem = Literal["line_breaks", "control_characters"]


def problem(value: str, *, multiline: bool) -> Problem | None:
    """What breaks the rule in `value`, if anything: line breaks in single-line text, or control characters."""
    if not multiline and LINE_BREAK.search(value):
        return "line_breaks"
    if CONTROL.search(value):
        return "control_characters"
    return None


def messages(label: str) -> dict[Problem, str]:
    """The plain-English messages for a field: by its name ("Project title must not…"), or for a question."""
    label = label.strip()
    if not label or label.endswith("?") or len(label) > 40 or "(" in label:
        return {
            "line_breaks": "Your answer must not contain line breaks",
            "control_characters": "Remove the invisible control characters from your answer",
        }
    name = label[0].upper() + label[1:]
    lower = label if label[1:2].isupper() else label[0].lower() + label[1:]  # "API key name", not "aPI key name"
    return {
        "line_breaks": f"{name} must not contain line breaks",
        "control_characters": f"Remove the invisible control characters from the {lower}",
    }


class TextRule:
    """The rule as a form field validator. `core.forms` gives one to every CharField of every form."""

    def __init__(self, *, multiline: bool, messages: dict[Problem, str]) -> None:
        self.multiline = multiline
        self.messages = messages

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        found = problem(value, multiline=self.multiline)
        if found is not None:
            raise ValidationError(self.messages[found], code=found)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextRule) and (self.multiline, self.messages) == (other.multiline, other.messages)

    def __hash__(self) -> int:
        return hash((self.multiline, tuple(sorted(self.messages.items()))))


def apply_text_rule(fields: dict[str, forms.Field]) -> None:
    """Give every text field the rule, for its current label and widget (a text area is multi-line).

    Idempotent: a rule already there is replaced, so that a label or widget changed after the form class was
    made is what the message uses. A field's own `error_messages` "line_breaks" or "control_characters" win.
    """
    for name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        wording = messages(str(field.label) if field.label else pretty_name(name))
        for key in ("line_breaks", "control_characters"):
            if key in field.error_messages:
                wording[key] = str(field.error_messages[key])
        rule = TextRule(multiline=isinstance(field.widget, forms.Textarea), messages=wording)
        # It covers Django's null-character check, whose wording ("Null characters are not allowed.") is not ours.
        kept = [v for v in field.validators if not isinstance(v, TextRule | ProhibitNullCharactersValidator)]
        field.validators = [rule, *kept]


def single_line(value: str) -> str:
    """The rule for a single-line string in an API schema: a ValueError (how pydantic refuses a value) whose
    message follows the field's name in the 422 answer."""
    found = problem(value, multiline=False)
    if found == "line_breaks":
        raise ValueError("must not contain line breaks")
    if found == "control_characters":
        raise ValueError("must not contain invisible control characters")
    return value


def has_text_rule(field: forms.Field) -> bool:
    return any(isinstance(v, TextRule) for v in field.validators)


# Sanitisers for text already stored


def xml_text(value: Any) -> str:
    """Text that XML 1.0 can hold (DOCX, SVG, and so the PNG and the PDF): characters it cannot are removed,
    except vertical tab and form feed (Word's line and page breaks, when pasted), which become line breaks."""
    return XML_ILLEGAL.sub("", WORD_BREAKS.sub("\n", str(value)))


def one_line(value: Any) -> str:
    """Text for an email subject or header, or a one-line calendar field: each run of line breaks and control
    characters (with the spaces around it) becomes one space."""
    return NOT_ON_ONE_LINE.sub(" ", str(value)).strip()


def ics_text(value: Any, *, multiline: bool = False) -> str:
    """Text for a calendar file: icalendar escapes line breaks but writes other control characters as they are,
    which RFC 5545 forbids. Multi-line text keeps its line breaks (as LF) and tabs."""
    if not multiline:
        return one_line(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x85\u2028\u2029]", "\n", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)

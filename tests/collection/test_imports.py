"""Imports: reading files of every kind safely, checking every cell, and storing everything or nothing."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError
from openpyxl import Workbook

from pine.collection import files, imports, validation
from pine.collection.files import FileRefused
from pine.collection.models import ImportBatch, ImportStatus, Participant, Response
from pine.collection.services import CollectionError
from pine.core.models import AuditEvent
from tests.collection.factories import make_instrument, make_participants, make_wave, open_gate, with_identifiers
from tests.conftest import World

pytestmark = pytest.mark.django_db
LIMIT = 20 * 1024 * 1024


@pytest.fixture
def site(world: World) -> dict[str, Any]:
    open_gate(world.project)
    project, lead = world.project, world.users["site_lead"]
    instrument = make_instrument(project=project, actor=lead, name="Confidence")
    wave = make_wave(project=project, instruments=[instrument], code="base", name="Start", position=5)
    follow = make_wave(project=project, instruments=[instrument], code="fu3", name="3-month follow-up", position=6)
    people = make_participants(project=project, count=3)
    return {
        "project": project,
        "lead": lead,
        "instrument": instrument,
        "wave": wave,
        "follow": follow,
        "people": people,
    }


def upload(site: dict[str, Any], text: str | bytes, filename: str = "answers.csv") -> ImportBatch:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return imports.batch_upload(actor=site["lead"], project=site["project"], filename=filename, data=data)


def check(
    site: dict[str, Any],
    text: str | bytes,
    *,
    filename: str = "answers.csv",
    mapping: dict[str, str] | None = None,
    wave: Any = "default",
    missing: list[str] | None = None,
    create: bool = False,
) -> ImportBatch:
    batch = upload(site, text, filename)
    return imports.batch_configure(
        actor=site["lead"],
        batch=batch,
        instrument=site["instrument"],
        wave=site["wave"] if wave == "default" else wave,
        mapping=mapping if mapping is not None else batch.mapping,
        missing_codes=missing if missing is not None else ["N/A", "-99"],
        create_participants=create,
    )


def rows_for(site: dict[str, Any], *cells: str) -> str:
    """A CSV with a header and one row per participant, each row's cells after the pseudonym given."""
    lines = ["participant,q1,q2,q3,q4,years,started,comment"]
    for person, rest in zip(site["people"], cells, strict=False):
        lines.append(f"{person.pseudonym},{rest}")
    return "\n".join(lines) + "\n"


def problems(batch: ImportBatch) -> list[tuple[int, str, str]]:
    batch.refresh_from_db()
    return [(p["row"], p["column"], p["problem"]) for p in batch.problems]


# Reading files


def test_a_good_csv_is_mapped_from_its_headings_checked_previewed_and_imported(
    site: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    text = rows_for(site, "4,Agree,3,2,6,27/03/2020,Fine", "5,5,5,1,10,2021-01-04,")
    batch = check(site, text)
    assert batch.mapping["participant"] == "participant" and batch.mapping["q2"] == "item:q2"
    assert batch.status == ImportStatus.CHECKED and batch.problem_count == 0
    assert batch.preview["columns"][:4] == ["Row", "Participant", "Wave", "Group"]
    first = batch.preview["rows"][0]
    assert first[1] == site["people"][0].pseudonym and first[2] == "Start" and "4 – Agree" in first
    assert Response.objects.filter(import_batch=batch).count() == 0  # nothing stored before confirming

    kept = batch.stored_name
    assert default_storage.exists(kept) and b"Agree" not in default_storage.open(kept).read()  # encrypted
    with django_capture_on_commit_callbacks(execute=True):
        batch = imports.batch_commit(actor=site["lead"], batch=batch)
    assert batch.status == ImportStatus.COMMITTED and batch.stored_responses == 2
    answers = Response.objects.get(participant=site["people"][0], wave=site["wave"]).answers
    assert answers == {"q1": 4, "q2": 4, "q3": 3, "q4": 2, "years": 6, "started": "2020-03-27", "comment": "Fine"}
    assert not default_storage.exists(kept)  # the file is deleted once imported
    event = AuditEvent.objects.get(object_type="collection.ImportBatch", changes__has_key="responses")
    assert event.changes["responses"] == [0, 2] and event.actor == site["lead"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("cp1252", b""), ("latin-1", b"")],
)
def test_csv_in_any_common_encoding_with_or_without_a_byte_order_mark(encoding: str, bom: bytes) -> None:
    text = "participant;comment\nP-22222;Café – très bien, naïve\n"
    table = files.read(bom + text.encode(encoding, errors="replace"), filename="x.csv", max_bytes=LIMIT)
    assert table.headers == ["participant", "comment"]
    if encoding != "latin-1":  # latin-1 has no en dash
        assert table.rows == [["P-22222", "Café – très bien, naïve"]]
    else:
        assert table.rows[0][1].startswith("Café")


def test_semicolons_tabs_blank_rows_and_trailing_spaces(site: dict[str, Any]) -> None:
    table = files.read(b"participant\tq1 \n  P-22222  \t 4 \n\t\n\n", filename="x.txt", max_bytes=LIMIT)
    assert table.headers == ["participant", "q1"] and table.rows == [["P-22222", "4"]]
    person = site["people"][0].pseudonym
    batch = check(site, f"participant;q1;q2\n{person} ;4 ;3\n;;\n{site['people'][1].pseudonym};2;2\n")
    assert batch.status == ImportStatus.CHECKED and "1 blank rows skipped" in batch.message


def test_xlsx_with_excel_dates_and_numbers(site: dict[str, Any]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Participant", "q1", "q2", "started"])
    sheet.append([site["people"][0].pseudonym, 4, "Strongly agree", dt.datetime(2024, 5, 3)])  # noqa: DTZ001 - a spreadsheet cell has no time zone
    sheet.append([site["people"][1].pseudonym, 3.0, 2, 45000])  # an Excel day number
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = check(site, buffer.getvalue(), filename="answers.xlsx")
    assert batch.status == ImportStatus.CHECKED, batch.problems
    imports.batch_commit(actor=site["lead"], batch=batch)
    answers = Response.objects.get(participant=site["people"][1], wave=site["wave"]).answers
    assert answers == {"q1": 3, "q2": 2, "started": "2023-03-15"}
    assert Response.objects.get(participant=site["people"][0], wave=site["wave"]).answers["started"] == "2024-05-03"


def test_spss_files_are_read(site: dict[str, Any], tmp_path: Any) -> None:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {"participant": [p.pseudonym for p in site["people"][:2]], "q1": [4.0, None], "q2": [1.0, 5.0]}
    )
    path = tmp_path / "answers.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"q1": {1.0: "Strongly disagree"}})
    batch = check(site, path.read_bytes(), filename="answers.sav")
    assert batch.status == ImportStatus.CHECKED, batch.problems
    imports.batch_commit(actor=site["lead"], batch=batch)
    assert Response.objects.get(participant=site["people"][1], wave=site["wave"]).answers == {"q2": 5}


# Bad files: each refused with a clear message, nothing stored


def _xlsx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
        ("answers.csv", b"PK\x03\x04" + b"\x00" * 100, "it is an Excel or zip file"),
        ("answers.xlsx", b"participant,q1\nP-1,3\n", "not an Excel file"),
        ("answers.sav", b"participant,q1\nP-1,3\n", "not an SPSS data file"),
        ("answers.pdf", b"%PDF-1.4", "must be a CSV, an Excel file"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n \n", "is empty"),
        ("headings.csv", b"participant,q1\n", "no rows of data"),
        (
            "wide.csv",
            (",".join(f"c{n}" for n in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(),
            "columns",
        ),
        ("bomb.xlsx", _xlsx_bomb(), "zip bomb"),
        ("twice.csv", b"q1,Q1\n1,2\n", "both called"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    site: dict[str, Any], filename: str, data: bytes, message: str
) -> None:
    with pytest.raises(FileRefused, match=message):
        upload(site, data, filename)
    assert ImportBatch.objects.filter(project=site["project"]).count() == 1  # only the world's own


def test_an_xlsx_with_10000_columns_is_refused() -> None:
    workbook = Workbook()
    workbook.active.append([f"c{n}" for n in range(10_000)])
    workbook.active.append([1] * 10_000)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRefused, match="10,000 columns"):
        files.read(buffer.getvalue(), filename="wide.xlsx", max_bytes=LIMIT)


def test_a_file_over_the_size_limit_is_refused(site: dict[str, Any], settings: Any) -> None:
    settings.PINE_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(FileRefused, match="smaller than 1 MB"):
        upload(site, b"participant,comment\n" + b"P-2,xxxxxxxxxx\n" * 80_000)


def test_the_same_file_twice_is_refused(site: dict[str, Any]) -> None:
    text = rows_for(site, "4,4,4,4,,,")
    imports.batch_commit(actor=site["lead"], batch=check(site, text))
    with pytest.raises(CollectionError, match="already imported on"):
        upload(site, text)


def test_imports_wait_for_the_data_protection_checkpoint(world: World) -> None:
    with pytest.raises(CollectionError, match="data protection and ethics checkpoint"):
        imports.batch_upload(actor=world.users["site_lead"], project=world.project, filename="a.csv", data=b"a\n1\n")


# Bad cells: one test per kind, each reported with its row, column, value and what is wrong


@pytest.mark.parametrize(
    ("cells", "column", "problem"),
    [
        ("four,4,4,4,,,", "q1", "not on the scale"),
        ("4,4,4,4,six,,", "years", "not a number"),
        ("9,4,4,4,,,", "q1", "outside the scale"),
        ("4,4,4,4,51,,", "years", "outside the range"),
        ("4,4,4,4,,31/02/2024,", "started", "not a real date"),
        ("4,4,4,4,,2024/31/12,", "started", "date in an impossible format"),
        ("4,4,4,4,,next Tuesday,", "started", "date in an impossible format"),
        ('4,4,4,4,,,=HYPERLINK("http://evil")', "comment", "spreadsheet formula"),
        ("4,4,4,4,,,@SUM(A1)", "comment", "spreadsheet formula"),
        ("4,4,4,4,,,bad\x07bell", "comment", "control characters"),
    ],
)
def test_each_kind_of_bad_cell_is_reported(site: dict[str, Any], cells: str, column: str, problem: str) -> None:
    batch = check(site, rows_for(site, "4,4,4,4,,,", cells))
    assert batch.status == ImportStatus.PROBLEMS
    assert [(row, col) for row, col, _ in problems(batch)] == [(3, column)]
    assert problem in problems(batch)[0][2]
    assert batch.problems[0]["value"]
    assert Response.objects.filter(wave=site["wave"]).count() == 0


def test_an_unknown_participant_is_reported(site: dict[str, Any]) -> None:
    batch = check(site, "participant,q1\nP-ZZZZZ,4\n")
    assert problems(batch) == [(2, "participant", "unknown participant: no one in this project has this pseudonym")]


def test_duplicates_in_the_file_and_in_pine_are_reported(site: dict[str, Any]) -> None:
    person = site["people"][0].pseudonym
    batch = check(site, f"participant,q1\n{person},4\n{person},3\n")
    assert problems(batch) == [(3, "", "duplicate: row 2 has answers from the same participant for Start")]
    imports.batch_commit(actor=site["lead"], batch=check(site, f"participant,q1\n{person},4\n"))
    again = check(site, f"participant,q2\n{person},4\n")
    assert "PINE already has this participant's answers for Start" in problems(again)[0][2]


def test_waves_and_groups_can_come_from_columns(site: dict[str, Any]) -> None:
    a, b = site["people"][0].pseudonym, site["people"][1].pseudonym
    text = (
        f"participant,wave,group,q1\n{a},base,intervention,4\n{a},3-Month Follow-Up,intervention,5\n"
        f"{b},later,comparison,3\n"
    )
    batch = check(site, text, wave=None)
    assert problems(batch) == [
        (4, "wave", "unknown wave: use a wave's name or short name"),
        (4, "group", "differs from this participant's group in PINE (intervention)"),
    ]


def test_labels_missing_codes_and_uk_dates_are_understood(site: dict[str, Any]) -> None:
    text = rows_for(site, "Strongly agree,n/a,-99,1 - Strongly disagree,N/A,3 March 2024,", "3,4,4,4,7,03-03-24,")
    batch = check(site, text)
    assert batch.status == ImportStatus.CHECKED, batch.problems
    imports.batch_commit(actor=site["lead"], batch=batch)
    first = Response.objects.get(participant=site["people"][0], wave=site["wave"]).answers
    assert first == {"q1": 5, "q4": 1, "started": "2024-03-03"}
    assert Response.objects.get(participant=site["people"][1], wave=site["wave"]).answers["started"] == "2024-03-03"


def test_every_problem_is_counted_but_the_report_keeps_the_first_500(site: dict[str, Any]) -> None:
    person = site["people"][0].pseudonym
    text = "participant,q1,q2\n" + "".join(f"{person},9,9\n" for _ in range(300))
    batch = check(site, text)
    batch.refresh_from_db()
    assert batch.problem_count == 300 * 2 + 299 and len(batch.problems) == validation.PROBLEMS_KEPT


# Matching by case number, privately


def test_rows_match_participants_by_case_number_which_is_never_echoed(site: dict[str, Any]) -> None:
    with_identifiers(site["people"][0], case_number="HC-777")
    text = "Case number,q1\nhc-777,4\nHC-999,3\n"
    batch = check(site, text)
    assert batch.mapping["Case number"] == "case_number"
    assert problems(batch) == [(3, "Case number", "unknown participant: no one in this project has this case number")]
    assert batch.problems[0]["value"] == "(hidden: an identifier)"
    assert "HC-999" not in str(ImportBatch.objects.filter(pk=batch.pk).values().get())

    batch = check(site, text.replace("hc-777", "HC-777 "), create=True)
    imports.batch_commit(actor=site["lead"], batch=batch)
    batch.refresh_from_db()
    assert (batch.stored_responses, batch.stored_participants) == (2, 1)
    new = Participant.objects.get(project=site["project"], case_number_hash=validation.crypto.blind_index("HC-999"))
    assert new.case_number == "HC-999" and new.pseudonym.startswith("P-")


# Everything or nothing


def test_a_failure_on_the_last_row_stores_nothing(site: dict[str, Any], monkeypatch: Any) -> None:
    text = "participant,q1\n" + "".join(f"{p.pseudonym},4\n" for p in site["people"])
    batch = check(site, text)
    monkeypatch.setattr(imports, "INSERT_BATCH", 1)  # one row per insert: the last insert is the last row
    real = Response.objects.bulk_create
    calls: list[int] = []

    def failing(rows: list[Response], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == len(site["people"]):
            raise IntegrityError("the database refused the last row")
        return real(rows, *args, **kwargs)

    with mock.patch.object(Response.objects, "bulk_create", failing):
        batch = imports.batch_commit(actor=site["lead"], batch=batch)
    assert len(calls) == 3
    assert batch.status == ImportStatus.FAILED and "nothing was stored" in batch.message
    assert Response.objects.filter(wave=site["wave"]).count() == 0
    assert not AuditEvent.objects.filter(object_type="collection.ImportBatch", changes__has_key="responses").exists()


def test_rows_that_changed_since_the_check_stop_the_import(site: dict[str, Any]) -> None:
    person = site["people"][0]
    batch = check(site, f"participant,q1\n{person.pseudonym},4\n")
    Response.objects.create(
        wave=site["wave"], instrument=site["instrument"], participant=person, source="link", status="submitted"
    )
    batch = imports.batch_commit(actor=site["lead"], batch=batch)
    assert batch.status == ImportStatus.PROBLEMS and "nothing was imported" in batch.message
    assert Response.objects.filter(wave=site["wave"]).count() == 1


def test_large_files_are_checked_and_imported_by_a_background_task(site: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 2)
    text = "participant,q1\n" + "".join(f"{p.pseudonym},4\n" for p in site["people"])
    real_check, real_commit = imports.check_import, imports.commit_import
    with mock.patch.object(imports, "check_import") as queued:
        queued.enqueue.side_effect = lambda **kwargs: real_check.func(**kwargs)
        batch = check(site, text)
    batch.refresh_from_db()
    queued.enqueue.assert_called_once_with(batch_id=batch.pk, attempt=batch.attempt)
    assert batch.status == ImportStatus.CHECKED and batch.rows_done == 3
    with mock.patch.object(imports, "commit_import") as queued:
        queued.enqueue.side_effect = lambda **kwargs: real_commit.func(**kwargs)
        batch = imports.batch_commit(actor=site["lead"], batch=batch)
    queued.enqueue.assert_called_once_with(batch_id=batch.pk, actor_id=site["lead"].pk, attempt=batch.attempt)
    assert batch.status == ImportStatus.COMMITTED and batch.stored_responses == 3


def test_column_choices_are_remembered_for_a_file_with_the_same_headings(site: dict[str, Any]) -> None:
    person = site["people"][0].pseudonym
    mapping = {"ID": "participant", "Confidence 1": "item:q1", "notes": ""}
    check(site, f"ID,Confidence 1,notes\n{person},4,x\n", mapping=mapping, missing=["skip"])
    second = upload(site, f"ID,Confidence 1,notes\n{site['people'][1].pseudonym},2,y\n")
    assert second.mapping == mapping and second.missing_codes == ["skip"]


def test_column_choices_must_say_who_and_which_wave(site: dict[str, Any]) -> None:
    batch = upload(site, "a,b\n1,2\n")
    with pytest.raises(CollectionError, match="who each row is about") as caught:
        imports.batch_configure(
            actor=site["lead"],
            batch=batch,
            instrument=site["instrument"],
            wave=None,
            mapping={},
            missing_codes=[],
            create_participants=False,
        )
    assert "Choose the wave" in str(caught.value) and "at least one column" in str(caught.value)


# Reading as a stream: limits checked while reading, no size claim trusted, no row dropped silently


def _xlsx(rows: list[list[str]], *, dimension: str = "", shared: list[str] | None = None) -> bytes:
    """A hand-made XLSX: inline strings, an optional <dimension> (which may lie) and optional shared strings."""
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{cells}</sheetData></worksheet>"
        ),
    }
    if shared is not None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}">' + "".join(f"<si><t>{s}</t></si>" for s in shared)
        parts["xl/sharedStrings.xml"] += "</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_xlsx_whose_dimension_is_too_small_loses_no_row_or_column() -> None:
    """A <dimension> smaller than the data is ignored: every row and every column is read."""
    rows = [["participant", "q1", "q2"]] + [[f"P-{n}", "4", "5"] for n in range(10)]
    table = files.read(_xlsx(rows, dimension="A1:A3"), filename="lies.xlsx", max_bytes=LIMIT)
    assert table.headers == ["participant", "q1", "q2"]
    assert len(table.rows) == 10 and table.rows[-1] == ["P-9", "4", "5"]


def test_an_xlsx_without_a_dimension_is_refused_at_the_row_limit(monkeypatch: Any) -> None:
    """Rows are counted while reading, without a <dimension>, and reading stops at the limit."""
    monkeypatch.setattr(files, "MAX_ROWS", 50)
    data = _xlsx([["q1"]] + [["1"]] * 500)
    with pytest.raises(FileRefused, match="more than 50 rows"):
        files.inspect(data, filename="many.xlsx", max_bytes=LIMIT)


def test_a_csv_of_one_character_lines_is_refused_without_reading_it_whole(monkeypatch: Any) -> None:
    """A CSV with far too many tiny rows is refused after the limit, costing little memory."""
    import tracemalloc

    monkeypatch.setattr(files, "MAX_ROWS", 1000)
    data = b"a\n" * 500_000
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused, match="more than 1,000 rows"):
            files.inspect(data, filename="tiny.csv", max_bytes=LIMIT)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_the_cell_limit_is_checked_while_reading(monkeypatch: Any) -> None:
    """Rows times columns may not pass the cell limit: the message says how to make the file fit."""
    monkeypatch.setattr(files, "MAX_CELLS", 100)
    data = ("a,b,c,d\n" + "1,2,3,4\n" * 30).encode()
    with pytest.raises(FileRefused, match="more than 25 rows of 4 columns"):
        files.inspect(data, filename="cells.csv", max_bytes=LIMIT)


def test_a_value_in_a_column_without_a_heading_refuses_the_file() -> None:
    """Data under no heading is never dropped silently: the file is refused, saying which row and column."""
    with pytest.raises(FileRefused, match="Row 3 has a value in column 3, which has no heading"):
        files.read(b"participant,q1\nP-1,4\nP-2,4,extra\n", filename="x.csv", max_bytes=LIMIT)
    table = files.read(b"participant,q1,,\nP-1,4,,\n", filename="x.csv", max_bytes=LIMIT)
    assert table.rows == [["P-1", "4"]]  # empty cells past the last heading are fine


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("huge.csv", b"participant,comment\nP-1," + b"x" * 40_000 + b"\n"),
        ("huge.xlsx", _xlsx([["participant", "comment"], ["P-1", "x" * 40_000]])),
        ("shared.xlsx", _xlsx([["participant"]], shared=["y" * 40_000])),
    ],
)
def test_a_cell_longer_than_a_spreadsheet_allows_is_refused(filename: str, data: bytes) -> None:
    """One enormous cell is refused with a message, in CSV, in an inline XLSX cell and in its shared strings."""
    with pytest.raises(FileRefused, match="32,767 characters"):
        files.read(data, filename=filename, max_bytes=LIMIT)


def test_an_xlsx_with_too_many_shared_strings_is_refused_before_openpyxl_loads_them(monkeypatch: Any) -> None:
    """The shared strings are counted while streaming, before openpyxl keeps them all in memory."""
    monkeypatch.setattr(files, "MAX_SHARED_STRINGS", 10)
    with pytest.raises(FileRefused, match="more than 10 different texts"):
        files.read(_xlsx([["q1"], ["1"]], shared=[f"s{n}" for n in range(20)]), filename="s.xlsx", max_bytes=LIMIT)


def test_an_spss_file_is_read_in_chunks_and_refused_at_the_row_limit(tmp_path: Any, monkeypatch: Any) -> None:
    """SPSS files are read a chunk at a time; a header claiming too many rows is refused before loading."""
    import pandas as pd
    import pyreadstat

    path = tmp_path / "many.sav"
    pyreadstat.write_sav(pd.DataFrame({"q1": [float(n % 5) for n in range(30)]}), str(path))
    monkeypatch.setattr(files, "MAX_ROWS", 10)
    with pytest.raises(FileRefused, match="more than 10 rows"):
        files.inspect(path.read_bytes(), filename="many.sav", max_bytes=LIMIT)
    monkeypatch.setattr(files, "MAX_ROWS", 100)
    assert files.inspect(path.read_bytes(), filename="many.sav", max_bytes=LIMIT).row_count == 30


def test_problems_give_the_spreadsheets_own_row_numbers_after_empty_rows_at_the_top(site: dict[str, Any]) -> None:
    """Empty rows above the headings still count, so a problem's row number is the one the person sees."""
    batch = check(site, "\n\nparticipant,q1\nP-ZZZZZ,4\n")
    assert problems(batch) == [(4, "participant", "unknown participant: no one in this project has this pseudonym")]


# Identifiers: only those who may see them match on them or see what they matched


def test_a_site_member_cannot_match_rows_by_case_number(site: dict[str, Any], world: World) -> None:
    """A site member's upload does not guess a case number column, and choosing one is refused."""
    member = world.users["site_member"]
    with_identifiers(site["people"][0], case_number="HC-777")
    batch = imports.batch_upload(
        actor=member, project=site["project"], filename="a.csv", data=b"Case number,q1\nHC-777,4\n"
    )
    assert batch.mapping["Case number"] == ""
    with pytest.raises(CollectionError, match="Only your site lead or data protection officer"):
        imports.batch_configure(
            actor=member,
            batch=batch,
            instrument=site["instrument"],
            wave=site["wave"],
            mapping={"Case number": "case_number", "q1": "item:q1"},
            missing_codes=[],
            create_participants=False,
        )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED and batch.preview == {}


def test_a_site_member_cannot_import_a_file_matched_by_case_number(site: dict[str, Any], world: World) -> None:
    """Importing a file the site lead matched by case number needs the right to see identifiers too."""
    with_identifiers(site["people"][0], case_number="HC-777")
    batch = check(site, "Case number,q1\nHC-777,4\n")
    assert batch.status == ImportStatus.CHECKED
    with pytest.raises(CollectionError, match="Only your site lead"):
        imports.batch_commit(actor=world.users["site_member"], batch=batch)
    assert not Response.objects.filter(import_batch=batch).exists()


def test_the_preview_group_column_shows_each_participants_group(site: dict[str, Any]) -> None:
    """The preview's group column shows the group PINE knows, or the one the file fills in."""
    Participant.objects.filter(pk=site["people"][1].pk).update(group="")
    text = f"participant,group,q1\n{site['people'][0].pseudonym},,4\n{site['people'][1].pseudonym},comparison,3\n"
    batch = check(site, text)
    assert [row[3] for row in batch.preview["rows"]] == ["Intervention", "Comparison"]


# A batch whose worker died


def _stall(batch: ImportBatch, status: str) -> ImportBatch:
    """As a worker that died leaves it: working, and silent for longer than STALLED_AFTER."""
    from django.utils import timezone

    from pine.collection.models.data import STALLED_AFTER

    old = timezone.now() - STALLED_AFTER * 2
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, heartbeat_at=old, rows_done=batch.row_count)
    batch.refresh_from_db()
    return batch


def test_an_import_whose_worker_died_can_be_retried_and_stores_everything_once(site: dict[str, Any]) -> None:
    """Retry restarts a stalled import; a late worker from the dead attempt then stores nothing."""
    batch = check(site, "participant,q1\n" + "".join(f"{p.pseudonym},4\n" for p in site["people"]))
    dead_attempt = batch.attempt
    batch = _stall(batch, ImportStatus.COMMITTING)
    assert batch.is_stalled and batch.percent_done == 100
    batch = imports.batch_retry(actor=site["lead"], batch=batch)
    assert batch.status == ImportStatus.COMMITTED and batch.stored_responses == 3
    assert AuditEvent.objects.filter(object_id=str(batch.pk), changes__status__0="stopped").exists()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    imports._commit(batch_id=batch.pk, actor=site["lead"], attempt=dead_attempt)  # the dead worker wakes up
    assert Response.objects.filter(import_batch=batch).count() == 3


def test_a_stalled_check_can_be_retried_and_a_working_one_cannot(site: dict[str, Any]) -> None:
    """Only a silent batch can be retried; retrying a check checks the file again."""
    batch = check(site, f"participant,q1\n{site['people'][0].pseudonym},4\n")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.VALIDATING)
    batch.refresh_from_db()
    with pytest.raises(CollectionError, match="not stuck"):
        imports.batch_retry(actor=site["lead"], batch=batch)
    batch = imports.batch_retry(actor=site["lead"], batch=_stall(batch, ImportStatus.VALIDATING))
    assert batch.status == ImportStatus.CHECKED and batch.preview["ready"] == 1


def test_answers_arriving_during_an_import_are_never_replaced_and_nothing_is_stored(
    site: dict[str, Any], monkeypatch: Any
) -> None:
    """A survey link or the API storing a participant's answers while the file is being imported (after its last
    check, before its rows are written) stops the import whole: those answers stay, the file stores nothing."""
    batch = check(site, "participant,q1\n" + "".join(f"{p.pseudonym},4\n" for p in site["people"]))
    first = site["people"][0]
    validate = validation.validate
    calls: list[int] = []

    def a_link_saves_after_the_last_check(*args: Any, **kwargs: Any) -> Any:
        result = validate(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:  # the commit's own check has just passed; the link's answers arrive now
            Response.objects.create(
                wave=site["wave"], instrument=site["instrument"], participant=first, source="link", answers={"q1": 2}
            )
        return result

    monkeypatch.setattr(validation, "validate", a_link_saves_after_the_last_check)
    batch = imports.batch_commit(actor=site["lead"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PROBLEMS and "while the file was being imported" in batch.message
    assert any("already has this participant's answers" in p["problem"] for p in batch.problems)
    assert not Response.objects.filter(import_batch=batch).exists()
    assert Response.objects.get(participant=first).answers == {"q1": 2}


def test_a_stalled_import_can_be_discarded_which_deletes_the_upload(
    site: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Discarding a stuck import deletes the kept file, and its dead worker can no longer store anything."""
    batch = check(site, f"participant,q1\n{site['people'][0].pseudonym},4\n")
    kept, dead_attempt = batch.stored_name, batch.attempt
    batch = _stall(batch, ImportStatus.COMMITTING)
    with django_capture_on_commit_callbacks(execute=True):
        imports.batch_discard(actor=site["lead"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and not default_storage.exists(kept)
    imports._commit(batch_id=batch.pk, actor=site["lead"], attempt=dead_attempt)
    assert not Response.objects.filter(import_batch=batch).exists()


# The pages


def _page(client: Any, name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return client.get(reverse(f"collection:{name}", kwargs=kwargs)).content.decode()


def test_the_pages_hide_what_a_case_number_matched_from_a_site_member(site: dict[str, Any], client_as: Any) -> None:
    """A site member sees no preview, problem or count of a file matched by case number, nor can choose one."""
    person = with_identifiers(site["people"][0], case_number="HC-777")
    batch = check(site, "Case number,q1\nHC-777,4\n")
    pk = site["project"].pk
    member, lead = client_as("site_member"), client_as("site_lead")
    page = _page(member, "import", pk=pk, batch=batch.pk)
    assert person.pseudonym not in page and "1 rows ready" not in page and "Import 1 row" not in page
    assert "Only your site lead and data protection officer see" in page
    assert "Matched by case number" in _page(member, "imports", pk=pk)
    assert person.pseudonym in _page(lead, "import", pk=pk, batch=batch.pk)
    fresh = upload(site, "Case number,q2\nHC-777,4\n")
    assert "case number, matched privately" not in _page(member, "import-columns", pk=pk, batch=fresh.pk)
    assert "case number, matched privately" in _page(lead, "import-columns", pk=pk, batch=fresh.pk)


def test_a_stalled_import_page_offers_try_again(site: dict[str, Any], client_as: Any) -> None:
    """The page of a stuck import stops refreshing, says nothing was stored, and Try again imports the file."""
    from django.urls import reverse

    batch = _stall(check(site, f"participant,q1\n{site['people'][0].pseudonym},4\n"), ImportStatus.COMMITTING)
    lead, pk = client_as("site_lead"), site["project"].pk
    page = _page(lead, "import", pk=pk, batch=batch.pk)
    assert "Importing stopped" in page and "Try again" in page and 'http-equiv="refresh"' not in page
    assert "Stopped" in _page(lead, "imports", pk=pk)
    response = lead.post(reverse("collection:import-retry", kwargs={"pk": pk, "batch": batch.pk}), follow=True)
    assert "1 response imported" in response.content.decode()


def test_choosing_another_questionnaire_keeps_the_chosen_wave(site: dict[str, Any], client_as: Any) -> None:
    """Showing another questionnaire's questions remembers the wave and the other answers on the page."""
    from django.urls import reverse

    batch = upload(site, "participant,q1\nP-1,4\n")
    lead, pk = client_as("site_lead"), site["project"].pk
    form = {"refresh": "1", "instrument": site["instrument"].pk, "wave": site["follow"].pk, "missing_codes": "x"}
    lead.post(reverse("collection:import-columns", kwargs={"pk": pk, "batch": batch.pk}), form)
    batch.refresh_from_db()
    assert batch.wave == site["follow"] and batch.missing_codes == ["x"]
    assert f'value="{site["follow"].pk}" selected' in _page(lead, "import-columns", pk=pk, batch=batch.pk)
    # A change to the import's settings is in the audit log, like every change to a project's data.
    assert AuditEvent.objects.filter(object_id=str(batch.pk), changes__wave__1=site["follow"].name).exists()


def test_an_xlsx_without_a_dimension_is_not_parsed_whole_before_its_rows_are_read(monkeypatch: Any) -> None:
    """openpyxl's look for a missing <dimension> (which parses and keeps the whole sheet) is skipped."""
    import tracemalloc

    monkeypatch.setattr(files, "MAX_ROWS", 100)
    data = _xlsx([["q1"]] + [["1"]] * 100_000)
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused, match="more than 100 rows"):
            files.inspect(data, filename="many.xlsx", max_bytes=LIMIT)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_an_upload_that_fails_to_save_leaves_no_file_on_disk(site: dict[str, Any], monkeypatch: Any) -> None:
    """If keeping the batch fails, the encrypted upload it would have pointed at is deleted too."""
    kept: list[str] = []
    real = imports._store_file

    def store(data: bytes) -> str:
        kept.append(real(data))
        return kept[-1]

    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(imports, "_store_file", store)
    monkeypatch.setattr(imports.audit, "record", broken)
    with pytest.raises(RuntimeError):
        upload(site, "participant,q1\nP-1,4\n")
    assert kept and not default_storage.exists(kept[0])

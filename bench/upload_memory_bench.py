"""Peak memory of refusing the worst uploads: what a hostile or broken file costs the server before it is refused.

Each file is made here, then read by the real upload path (`files.inspect`, which `imports.batch_upload` calls
first) in a fresh Python process, with the libraries already loaded. The process reports its peak resident memory
(`ru_maxrss`) above that baseline:

- baseline: reading the file's bytes into memory, as the upload view does;
- PINE: the same, then reading the file as far as its first problem.

The files, each at the upload size limit:

- an XLSX with no `<dimension>` and millions of one-cell rows;
- an XLSX whose `<dimension>` says two rows while it holds far more;
- a CSV of one-character lines;
- a CSV with one line of a million cells, and one of many rows of a thousand columns (past the cell limit);
- one enormous cell, in a CSV and in an XLSX's shared strings;
- an XLSX with millions of different short texts in its shared strings;
- an SPSS file with more rows than PINE imports.

The target: every one refused, each costing under 100 MB above the baseline.

Run: `make bench` (full size) or `PINE_ENV=test .venv/bin/python bench/upload_memory_bench.py --quick` (a tenth of
the size, with the limits scaled down to match: under 30 seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TARGET_MB = 100
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


# The files


def _xlsx(path: Path, sheet: Callable[[], Iterator[str]], shared: Callable[[], Iterator[str]]) -> None:
    """An XLSX written part by part as a stream, so making a 300 MB sheet costs the bench little memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        for name, parts in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            with archive.open(name, "w", force_zip64=True) as out:
                buffer: list[str] = []
                for part in parts():
                    buffer.append(part)
                    if len(buffer) >= 10_000:
                        out.write("".join(buffer).encode())
                        buffer.clear()
                out.write("".join(buffer).encode())


def _no_shared() -> Iterator[str]:
    yield f'<sst xmlns="{MAIN}"></sst>'


def _tiny_rows(count: int, dimension: str) -> Callable[[], Iterator[str]]:
    def sheet() -> Iterator[str]:
        yield f'<worksheet xmlns="{MAIN}">' + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>"
        yield '<row r="1"><c r="A1" t="inlineStr"><is><t>q1</t></is></c></row>'
        for number in range(2, count + 2):
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'
        yield "</sheetData></worksheet>"

    return sheet


def _one_cell_sheet() -> Iterator[str]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'


def _random_text(size: int) -> str:
    # Random hex digits: packed about twice, so the zip bomb check does not refuse the file before it is parsed.
    return os.urandom(size // 2 + 1).hex()[:size]


def make_files(folder: Path, limit: int, quick: bool) -> dict[str, Path]:
    rows = limit // 6  # one-cell rows: about five bytes each once packed
    files: dict[str, Path] = {}

    path = folder / "no-dimension.xlsx"
    _xlsx(path, _tiny_rows(rows, ""), _no_shared)
    files["XLSX, no <dimension>, one-cell rows"] = path

    path = folder / "lying-dimension.xlsx"
    _xlsx(path, _tiny_rows(rows, "A1:A2"), _no_shared)
    files["XLSX, <dimension> says 2 rows"] = path

    path = folder / "one-character-lines.csv"
    path.write_bytes(b"q\n" + b"a\n" * ((limit - 2) // 2))
    files["CSV, one-character lines"] = path

    path = folder / "one-wide-line.csv"
    path.write_bytes(b"q1,q2\n" + b"1," * ((limit - 6) // 2))
    files["CSV, one line of a million cells"] = path

    path = folder / "wide-rows.csv"
    header = ",".join(f"c{n}" for n in range(1000)).encode() + b"\n"
    line = b",".join([b"1"] * 1000) + b"\n"
    path.write_bytes(header + line * ((limit - len(header)) // len(line)))
    files["CSV, rows of 1,000 columns"] = path

    path = folder / "huge-cell.csv"
    path.write_bytes(b"participant,comment\nP-1," + _random_text(limit - 100).encode() + b"\n")
    files["CSV, one enormous cell"] = path

    def huge_shared() -> Iterator[str]:
        yield f'<sst xmlns="{MAIN}"><si><t>'
        for _ in range(max(1, (limit - 1000) // 1_000_000)):
            yield _random_text(1_000_000)
        yield "</t></si></sst>"

    path = folder / "huge-shared-cell.xlsx"
    _xlsx(path, _one_cell_sheet, huge_shared)
    files["XLSX, one enormous shared string"] = path

    def many_shared() -> Iterator[str]:
        yield f'<sst xmlns="{MAIN}">'
        for _ in range(limit // 6):
            yield f"<si><t>{_random_text(4)}</t></si>"
        yield "</sst>"

    path = folder / "many-shared-strings.xlsx"
    _xlsx(path, _one_cell_sheet, many_shared)
    files["XLSX, millions of different texts"] = path

    import pandas as pd
    import pyreadstat

    path = folder / "many-rows.sav"
    count = 30_000 if quick else 300_000
    pyreadstat.write_sav(pd.DataFrame({"q1": [float(n % 5) for n in range(count)]}), str(path))
    files["SPSS, more rows than PINE imports"] = path
    return files


# Measuring, in a fresh process per file


def child(path: str, quick: bool) -> None:
    """Both measurements in one process: the bytes read first (the baseline), then the file read by PINE."""
    import resource

    import openpyxl  # noqa: F401 - loaded before the baseline, as in the running server
    from charset_normalizer import from_bytes  # noqa: F401

    if path.endswith(".sav"):
        import pandas  # noqa: F401
        import pyreadstat  # noqa: F401
    from pine.collection import files

    if quick:
        files.MAX_ROWS, files.MAX_CELLS = 20_000, 500_000
        files.MAX_SHARED_STRINGS, files.MAX_SHARED_CHARS = 25_000, 2_500_000
    limit = int(os.environ["BENCH_LIMIT"])
    exact = _reset_peak()

    def peak() -> int:
        return _status_kb("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    before = _status_kb("VmRSS") if exact else peak()
    data = Path(path).read_bytes()
    read = peak() - before
    started = time.perf_counter()
    try:
        sheet = files.inspect(data, filename=Path(path).name, max_bytes=limit)
        outcome = f"ACCEPTED ({sheet.row_count:,} rows)"
    except files.FileRefused as refused:
        outcome = f"refused: {str(refused)[:70]}"
    seconds = time.perf_counter() - started
    result = {
        "base": read / 1024,
        "mb": (peak() - before) / 1024,
        "seconds": seconds,
        "outcome": outcome,
        "size": len(data),
    }
    print(json.dumps(result))


def _status_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    """Start the peak (VmHWM) again from memory in use now, so loading the libraries does not count (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return bool(_status_kb("VmHWM"))


def measure(path: Path, quick: bool, limit: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(path)] + (["--quick"] if quick else [])
    environment = {**os.environ, "BENCH_LIMIT": str(limit), "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)  # noqa: S603 - our own script
    if result.returncode:
        raise SystemExit(f"The measurement of {path.name} failed:\n{result.stderr[-2000:]}")
    output: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, limits scaled: under 30 s")
    parser.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick)
        return
    limit = (2 if args.quick else 20) * 1024 * 1024  # the default UPLOAD_MAX_MB is 20
    with tempfile.TemporaryDirectory(prefix="pine-upload-bench-") as folder:
        started = time.perf_counter()
        made = make_files(Path(folder), limit, args.quick)
        print(f"Made {len(made)} files of up to {limit // (1024 * 1024)} MB in {time.perf_counter() - started:.1f} s")
        print(f"{'file':<40} {'size':>8} {'baseline':>9} {'PINE':>9} {'ratio':>6} {'time':>6}  outcome")
        failures = []
        for label, path in made.items():
            pine = measure(path, args.quick, limit)
            mb, base_mb = float(pine["mb"]), max(float(pine["base"]), 1.0)
            refused = str(pine["outcome"]).startswith("refused")
            ok = refused and mb < TARGET_MB
            if not ok:
                failures.append(label)
            print(
                f"{label:<40} {int(pine['size']) / 1048576:>6.1f}MB {base_mb:>7.1f}MB {mb:>7.1f}MB"
                f" {mb / base_mb:>5.1f}x {float(pine['seconds']):>5.1f}s  {'PASS' if ok else 'FAIL'} {pine['outcome']}"
            )
    print(f"Target: every file refused, under {TARGET_MB} MB above the baseline.")
    if failures:
        raise SystemExit(f"FAIL: {', '.join(failures)}")
    print("PASS")


if __name__ == "__main__":
    main()

"""``inspect_xlsx``: safety checks on an uploaded .xlsx before any spreadsheet parser reads it.

The checks run in stages; each stage runs only when the previous ones leave the file worth
examining, and every problem found on the way is reported:

1. bytes: empty, size, OLE2 (encrypted workbook or .xls), zip signature;
2. zip directory: end record, entry count (before zipfile builds its list), entry names,
   duplicates (case-insensitive, as OPC part names are), local headers, overlapping entries;
3. part names that are never acceptable (VBA, macro sheets, external links, connections,
   embeddings, ActiveX, custom ribbon);
4. every entry decompressed by streaming, counting the bytes actually produced against the
   per-part, total and ratio limits, checking sizes and CRCs, and scanning for DOCTYPE/ENTITY;
5. content types and relationships: the main part must be an ordinary workbook; macro, external,
   connection and embedded-object content types and relationships are refused;
6. the workbook's sheet list, then every worksheet streamed through a hardened parser: declared
   dimension, rows and columns present, formula cells;
7. shared-strings size, application properties, and well-formedness of every other XML part.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Collection
from typing import NoReturn, cast
from urllib.parse import unquote

from dbmis.ingest.safety._parts import (
    AppProperties,
    ContentTypes,
    Relationship,
    Relationships,
    SheetTooLarge,
    Workbook,
    Worksheet,
)
from dbmis.ingest.safety._xml import (
    Budget,
    DoctypeScanner,
    Handler,
    XmlForbidden,
    XmlMalformed,
    XmlTooLarge,
    parse,
)
from dbmis.ingest.safety._zip import (
    Entry,
    ZipFault,
    bad_name_reason,
    count_central_entries,
    find_directory,
    find_overlap,
    locate,
    open_entries,
    stream,
)
from dbmis.ingest.safety.errors import SafetyProblem, UploadRejected, problem
from dbmis.ingest.safety.facts import SheetFacts, SheetKind, Visibility, WorkbookFacts
from dbmis.ingest.safety.limits import Limits, MiB

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
MACRO_SHEET_MAIN = "application/vnd.ms-excel.sheet.macroenabled.main+xml"
MACRO_TEMPLATE_MAIN = "application/vnd.ms-excel.template.macroenabled.main+xml"
ADDIN_MAIN = "application/vnd.ms-excel.addin.macroenabled.main+xml"
BINARY_MAIN = "application/vnd.ms-excel.sheet.binary.macroenabled.main"
WORKBOOK_MAINS = frozenset(
    {SHEET_MAIN, TEMPLATE_MAIN, MACRO_SHEET_MAIN, MACRO_TEMPLATE_MAIN, ADDIN_MAIN, BINARY_MAIN}
)
SHARED_STRINGS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml"
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"

_STRUCTURAL = (
    "FILE_MACROS",
    "FILE_EXTERNAL_LINKS",
    "FILE_DATA_CONNECTIONS",
    "FILE_EMBEDDED_OBJECTS",
)

# Content types that are refused wherever they appear (lower case).
_FORBIDDEN_CONTENT_TYPES = {
    "application/vnd.ms-office.vbaproject": "FILE_MACROS",
    "application/vnd.ms-office.vbaprojectsignature": "FILE_MACROS",
    "application/vnd.ms-excel.macrosheet+xml": "FILE_MACROS",
    "application/vnd.ms-excel.intlmacrosheet+xml": "FILE_MACROS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml": "FILE_MACROS",
    MACRO_SHEET_MAIN: "FILE_MACROS",
    MACRO_TEMPLATE_MAIN: "FILE_MACROS",
    ADDIN_MAIN: "FILE_MACROS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.externallink+xml": (
        "FILE_EXTERNAL_LINKS"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml": (
        "FILE_DATA_CONNECTIONS"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.querytable+xml": (
        "FILE_DATA_CONNECTIONS"
    ),
    "application/vnd.openxmlformats-officedocument.oleobject": "FILE_EMBEDDED_OBJECTS",
    "application/vnd.ms-office.activex+xml": "FILE_EMBEDDED_OBJECTS",
    "application/vnd.ms-office.activex": "FILE_EMBEDDED_OBJECTS",
}

# Relationship types (matched on the end of the lower-cased type URI).
_FORBIDDEN_REL_SUFFIXES = (
    ("/vbaproject", "FILE_MACROS"),
    ("/vbaprojectsignature", "FILE_MACROS"),
    ("/xlmacrosheet", "FILE_MACROS"),
    ("/xlintlmacrosheet", "FILE_MACROS"),
    ("/macrosheet", "FILE_MACROS"),
    ("/dialogsheet", "FILE_MACROS"),
    ("/ui/extensibility", "FILE_MACROS"),
    ("/externallink", "FILE_EXTERNAL_LINKS"),
    ("/externallinkpath", "FILE_EXTERNAL_LINKS"),
    ("/attachedtemplate", "FILE_EXTERNAL_LINKS"),
    ("/connections", "FILE_DATA_CONNECTIONS"),
    ("/querytable", "FILE_DATA_CONNECTIONS"),
    ("/oleobject", "FILE_EMBEDDED_OBJECTS"),
    ("/package", "FILE_EMBEDDED_OBJECTS"),
    ("/control", "FILE_EMBEDDED_OBJECTS"),
    ("/activexcontrolbinary", "FILE_EMBEDDED_OBJECTS"),
)

_VISIBILITY = ("visible", "hidden", "veryHidden")


class _Stop(Exception):
    """Further checks would be meaningless; the problems so far are the answer."""


def inspect_xlsx(
    data: bytes,
    limits: Limits = Limits(),  # noqa: B008 - Limits is a frozen dataclass
    *,
    value_sheets: Collection[str] | None = None,
) -> WorkbookFacts:
    """Check an uploaded .xlsx before any parser touches it.

    Returns what was learned when the file is acceptable; otherwise raises
    :class:`UploadRejected` listing every problem found. Formula cells are always listed in the
    facts, but only those on ``value_sheets`` (default: every sheet) are problems.
    """
    inspection = _Inspection(data, limits, value_sheets)
    facts: WorkbookFacts | None
    try:
        facts = inspection.run()
    except _Stop:
        facts = None
    if inspection.problems:
        raise UploadRejected(inspection.problems)
    assert facts is not None
    return facts


def _mb(n: int, *, up: bool = False) -> str:
    """Bytes as MB with one decimal (rounded up for sizes compared with a limit)."""
    value = math.ceil(n * 10 / MiB) / 10 if up else n / MiB
    return f"{value:,.1f}"


def _printable(name: str) -> str:
    """A part name safe to show: control characters escaped, length capped."""
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in name[:200])
    return shown + ("..." if len(name) > 200 else "")


def _quote_sheet(name: str) -> str:
    if name.replace("_", "").isalnum() and not name[:1].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


def _resolve(source: str, target: str) -> str | None:
    """A relationship target, relative to its source part, as a part name (or None)."""
    t = unquote(target.partition("#")[0]).strip()
    if not t:
        return None
    path = t.lstrip("/") if t.startswith("/") else posixpath.join(posixpath.dirname(source), t)
    path = posixpath.normpath(path)
    if path in (".", "..") or path.startswith("../") or path.startswith("/"):
        return None
    return path


def _rels_name(source: str) -> str:
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


def _rels_source(rels_part: str) -> str:
    folder, base = posixpath.split(rels_part)
    parent, rels_dir = posixpath.split(folder)
    if rels_dir.lower() != "_rels" or not base.lower().endswith(".rels"):
        return rels_part
    return posixpath.join(parent, base[: -len(".rels")])


class _Inspection:
    def __init__(self, data: bytes, limits: Limits, value_sheets: Collection[str] | None) -> None:
        self.data = data if isinstance(data, bytes) else bytes(data)
        self.limits = limits
        self.value_sheets = None if value_sheets is None else set(value_sheets)
        self.problems: list[SafetyProblem] = []
        self._seen: set[tuple[str, str | None]] = set()
        self.entries: dict[str, Entry] = {}  # lower-cased name -> entry
        self.order: list[Entry] = []
        self.sizes: dict[str, int] = {}
        self.partial: set[str] = set()  # parts not read to the end (already reported)
        self.parsed: set[str] = set()
        self.total = 0
        self.budget = Budget(limits)
        self.content_types = ContentTypes(limits, self.budget)
        self._rels: dict[str, list[Relationship] | None] = {}
        self.main = "xl/workbook.xml"

    # -- problems ------------------------------------------------------------------------

    def add(
        self, code: str, message: str | None = None, part: str | None = None, *, key: str = ""
    ) -> None:
        dedupe = (code, key or (part.lower() if part else None))
        if code in _STRUCTURAL:
            dedupe = (code, None)
        if dedupe in self._seen:
            return
        self._seen.add(dedupe)
        self.problems.append(problem(code, message, part))

    def stop(self, code: str, message: str | None = None, part: str | None = None) -> NoReturn:
        self.add(code, message, part)
        raise _Stop

    def stop_if_problems(self) -> None:
        if self.problems:
            raise _Stop

    # -- the stages ----------------------------------------------------------------------

    def run(self) -> WorkbookFacts:
        self._check_bytes()
        self._read_directory()
        self._check_part_names()
        self._stream_all()
        self._check_content_types()
        self._check_relationships()
        sheets = self._read_workbook()
        facts = self._read_worksheets(sheets)
        self._check_shared_strings()
        app = self._read_app_properties()
        self._check_remaining_xml()
        self._formula_problems(facts)
        return WorkbookFacts(
            sheets=tuple(facts),
            application=app.get("Application"),
            app_version=app.get("AppVersion"),
            entries=len(self.order),
            uncompressed_bytes=self.total,
        )

    def _check_bytes(self) -> None:
        data, limits = self.data, self.limits
        if not data:
            self.stop("FILE_EMPTY")
        if len(data) > limits.max_file_bytes:
            self.stop(
                "FILE_TOO_LARGE",
                f"This file is {_mb(len(data), up=True)} MB; the largest file accepted is "
                f"{_mb(limits.max_file_bytes)} MB. Upload only the template for one institution "
                "and one year, delete extra sheets and pictures, save, and upload again.",
            )
        if data.startswith(OLE2_MAGIC):
            self.stop("FILE_OLE2_ENCRYPTED_OR_XLS", _ole2_message(data))
        if not data.startswith(ZIP_MAGIC):
            self.stop("FILE_NOT_ZIP", _not_zip_message(data))

    def _read_directory(self) -> None:
        data, limits = self.data, self.limits
        try:
            directory = find_directory(data)
            if directory.entries > limits.max_entries or (
                count_central_entries(data, directory, limits.max_entries) > limits.max_entries
            ):
                self.stop(
                    "FILE_TOO_MANY_ENTRIES",
                    f"This file is made of more than {limits.max_entries} internal parts, far "
                    "more than a data template. Download a fresh template, copy your figures "
                    "into it, and upload that file.",
                )
            infos = open_entries(data, directory)
        except ZipFault as fault:
            self.stop(fault.code, fault.message, fault.part)
        for info in infos:
            reason = bad_name_reason(info.orig_filename)
            if reason:
                self.add(
                    "FILE_BAD_ENTRY_NAME",
                    f"This file contains a part with an unsafe name ({reason}). Such files are "
                    "refused for safety. Download a fresh template, copy your figures into it, "
                    "and upload that file.",
                    part=_printable(info.orig_filename),
                )
        seen: set[str] = set()
        for info in infos:
            low = info.orig_filename.lower()
            if low in seen:
                self.add("FILE_DUPLICATE_ENTRY", part=_printable(info.orig_filename))
            seen.add(low)
        self.stop_if_problems()
        for info in infos:
            try:
                entry = locate(data, info, directory.cd_offset)
            except ZipFault as fault:
                self.add(fault.code, fault.message, fault.part)
                continue
            self.order.append(entry)
            self.entries[entry.name.lower()] = entry
        self.stop_if_problems()
        overlapping = find_overlap(self.order)
        if overlapping is not None:
            self.stop(
                "FILE_ZIP_BOMB",
                "This file's internal parts overlap one another, a trick used to make small "
                "files expand enormously. Such files are refused for safety. Download a fresh "
                "template, copy your figures into it, and upload that file.",
                part=overlapping.name,
            )

    def _check_part_names(self) -> None:
        for entry in self.order:
            code = _forbidden_by_name(entry.name.lower())
            if code:
                self.add(code, part=entry.name)

    def _stream_all(self) -> None:
        limits = self.limits
        total_compressed = max(1, sum(e.compress_size for e in self.order))
        floor = limits.ratio_min_bytes
        for entry in self.order:
            low = entry.name.lower()
            shared_strings = low.rpartition("/")[2] == "sharedstrings.xml"
            scanner = DoctypeScanner()
            produced = 0
            found = False
            finished = False
            chunks = stream(self.data, entry)
            try:
                for chunk in chunks:
                    produced += len(chunk)
                    self.total += len(chunk)
                    if produced > limits.max_part_uncompressed:
                        self.stop(
                            "FILE_PART_TOO_LARGE",
                            f"One part of this workbook is larger than "
                            f"{_mb(limits.max_part_uncompressed)} MB once unpacked. Delete "
                            "extra rows, columns and pictures, save, and upload again.",
                            entry.name,
                        )
                    if self.total > limits.max_total_uncompressed:
                        self.stop(
                            "FILE_UNCOMPRESSED_TOO_LARGE",
                            f"This workbook is larger than "
                            f"{_mb(limits.max_total_uncompressed)} MB once unpacked. Delete "
                            "extra sheets, pictures and unused rows, save, and upload again.",
                            entry.name,
                        )
                    if (produced > floor and produced > limits.max_ratio * entry.compress_size) or (
                        self.total > floor and self.total > limits.max_ratio * total_compressed
                    ):
                        self.stop("FILE_ZIP_BOMB", part=entry.name)
                    if scanner.feed(chunk):
                        found = True
                        break
                    if shared_strings and produced > limits.max_shared_strings_bytes:
                        self._shared_strings_problem(entry.name)
                        break
                else:
                    finished = True
                    found = scanner.close()
            except ZipFault as fault:
                if fault.code == "FILE_ZIP_BOMB":
                    self.stop(fault.code, fault.message or _LIE, fault.part)
                self.add(fault.code, fault.message, fault.part)
                finished = False
            finally:
                chunks.close()
            if found:
                self.add("FILE_XML_DOCTYPE", part=entry.name)
            if not finished or found:
                self.partial.add(low)
            self.sizes[low] = produced
        bad = {"FILE_XML_DOCTYPE", "FILE_CORRUPT_ZIP"}
        if any(p.code in bad for p in self.problems):
            raise _Stop

    def _shared_strings_problem(self, part: str) -> None:
        self.add(
            "FILE_SHARED_STRINGS_TOO_LARGE",
            f"This workbook contains more than {_mb(self.limits.max_shared_strings_bytes)} MB "
            "of text, far more than a data template needs. Delete extra sheets and text you "
            "added, or copy your figures into a fresh template, and upload again.",
            part,
        )

    # -- parsing helpers -----------------------------------------------------------------

    def _parse(self, entry: Entry, handler: Handler, *, where: str = "") -> bool:
        """Parse one part; report DOCTYPE/malformed problems; True when it parsed cleanly."""
        low = entry.name.lower()
        self.parsed.add(low)
        try:
            parse(stream(self.data, entry), handler, self.limits)
        except XmlForbidden:
            self.add("FILE_XML_DOCTYPE", part=entry.name)
            return False
        except XmlMalformed:
            place = f" ({where})" if where else ""
            self.add(
                "FILE_XML_MALFORMED",
                f"Part of this file is damaged and cannot be read{place}. Open it in Excel, "
                "save it as Excel Workbook (.xlsx), and upload again.",
                entry.name,
            )
            return False
        except XmlTooLarge:
            self.stop(
                "FILE_UNCOMPRESSED_TOO_LARGE",
                "This workbook holds far more content than a data template. Delete extra "
                "sheets and unused rows, or copy your figures into a fresh template, and upload "
                "again.",
                entry.name,
            )
        except ZipFault as fault:  # pragma: no cover - the streaming stage already passed
            self.add(fault.code, fault.message, fault.part)
            return False
        return True

    def _usable(self, part: str | None) -> Entry | None:
        if part is None:
            return None
        low = part.lower()
        if low in self.partial:
            return None
        return self.entries.get(low)

    def _relationships_of(self, rels_part: str) -> list[Relationship] | None:
        low = rels_part.lower()
        if low not in self._rels:
            entry = self._usable(rels_part)
            handler = Relationships(self.limits, self.budget)
            ok = entry is not None and self._parse(entry, handler)
            self._rels[low] = handler.rels if ok else None
        return self._rels[low]

    # -- content types and relationships -------------------------------------------------

    def _check_content_types(self) -> None:
        entry = self.entries.get("[content_types].xml")
        if entry is None:
            self.stop("FILE_NOT_WORKBOOK", self._other_package_message())
        if not self._parse(entry, self.content_types):
            raise _Stop
        types = self.content_types
        if types.root != "Types":
            self.stop("FILE_NOT_WORKBOOK", part=entry.name)

        package_rels = self._relationships_of("_rels/.rels") or []
        documents = [
            r for r in package_rels if r.type.lower().endswith("/officedocument") and not r.external
        ]
        if any(r.type.lower().startswith(STRICT_PREFIX) for r in documents):
            self.stop("FILE_NOT_WORKBOOK", _STRICT)
        if documents:
            main = _resolve("", documents[0].target)
            if main is None:
                self.stop("FILE_WORKBOOK_DAMAGED")
            self.main = main
        main_type = types.content_type(self.main) or ""
        if main_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
            self.stop("FILE_NOT_WORKBOOK", _WORD)
        if main_type.startswith("application/vnd.openxmlformats-officedocument.presentationml"):
            self.stop("FILE_NOT_WORKBOOK", _POWERPOINT)
        if main_type in (MACRO_SHEET_MAIN, ADDIN_MAIN, MACRO_TEMPLATE_MAIN):
            self.add("FILE_MACROS", part=self.main)
        if main_type in (TEMPLATE_MAIN, MACRO_TEMPLATE_MAIN):
            self.stop("FILE_NOT_WORKBOOK", _TEMPLATE, self.main)
        if main_type == BINARY_MAIN:
            self.stop("FILE_NOT_WORKBOOK", _BINARY, self.main)
        if main_type not in WORKBOOK_MAINS:
            self.stop("FILE_NOT_WORKBOOK", part=self.main)
        mains = {p for p, t in types.overrides.items() if t in WORKBOOK_MAINS}
        mains |= {
            e.name.lower() for e in self.order if types.content_type(e.name) in WORKBOOK_MAINS
        }
        if self.main.lower() != "xl/workbook.xml" or mains != {"xl/workbook.xml"}:
            # openpyxl finds the workbook by content type, other readers by path: they must agree
            self.stop(
                "FILE_NOT_WORKBOOK",
                "This file is not laid out the way Excel or LibreOffice write a workbook. "
                + _RESAVE,
                self.main,
            )
        if "xl/workbook.xml" not in self.entries:
            self.stop("FILE_WORKBOOK_DAMAGED", part=self.main)
        for e in self.order:
            code = _FORBIDDEN_CONTENT_TYPES.get(types.content_type(e.name) or "")
            if code:
                self.add(code, part=e.name)

    def _check_relationships(self) -> None:
        for entry in self.order:
            if entry.is_dir or not entry.name.lower().endswith(".rels"):
                continue
            rels = self._relationships_of(entry.name)
            if rels is None:
                continue
            source = _rels_source(entry.name)
            for rel in rels:
                rtype = rel.type.lower()
                code = next((c for s, c in _FORBIDDEN_REL_SUFFIXES if rtype.endswith(s)), None)
                if code is None and "/xlexternallinkpath/" in rtype:
                    code = "FILE_EXTERNAL_LINKS"
                if code is None and rel.external and not rtype.endswith("/hyperlink"):
                    code = "FILE_EXTERNAL_LINKS"
                if code:
                    target = None if rel.external else _resolve(source, rel.target)
                    self.add(code, part=target or entry.name)

    # -- workbook and sheets -------------------------------------------------------------

    def _read_workbook(self) -> list[tuple[str, Entry, Visibility, SheetKind]]:
        entry = self._usable(self.main)
        if entry is None:
            self.stop("FILE_WORKBOOK_DAMAGED", part=self.main)
        workbook = Workbook(self.limits, self.budget)
        if not self._parse(entry, workbook, where="the list of sheets"):
            raise _Stop
        if workbook.root != "workbook":
            self.stop("FILE_WORKBOOK_DAMAGED", part=self.main)
        if workbook.root_namespace.startswith(STRICT_PREFIX):
            self.stop("FILE_NOT_WORKBOOK", _STRICT, self.main)
        if not workbook.sheets:
            self.stop(
                "FILE_WORKBOOK_DAMAGED",
                "This workbook has no sheets. " + _RESAVE,
                self.main,
            )
        rels = self._relationships_of(_rels_name(self.main)) or []
        by_id = {r.id: r for r in rels}
        ids = [r.id for r in rels]
        names: set[str] = set()
        parts: set[str] = set()
        sheets: list[tuple[str, Entry, Visibility, SheetKind]] = []
        damaged_before = len(self.problems)
        for sheet in workbook.sheets:
            label = (sheet.name or "?")[:100]

            def damaged(why: str, label: str = label) -> None:
                self.add(
                    "FILE_WORKBOOK_DAMAGED",
                    f"This workbook is damaged: sheet '{label}' {why}. " + _RESAVE,
                    self.main,
                    key=f"sheet:{label.lower()}",
                )

            if not sheet.name or not sheet.rid:
                damaged("is listed without a name or without its contents")
                continue
            if sheet.name.lower() in names:
                damaged("is listed twice")
                continue
            names.add(sheet.name.lower())
            state = sheet.state or "visible"
            if state not in _VISIBILITY:
                damaged("has an unknown visibility")
                continue
            rel = by_id.get(sheet.rid)
            if rel is None:
                damaged("has no contents")
                continue
            if ids.count(sheet.rid) > 1:
                # readers would disagree about which part is this sheet
                damaged("points to two different contents")
                continue
            rtype = rel.type.lower()
            if rtype.endswith("/worksheet"):
                kind: SheetKind = "worksheet"
            elif rtype.endswith("/chartsheet"):
                kind = "chartsheet"
            elif any(rtype.endswith(s) for s, c in _FORBIDDEN_REL_SUFFIXES if c == "FILE_MACROS"):
                continue  # already reported as macros
            else:
                damaged("is of an unknown kind")
                continue
            part = None if rel.external else _resolve(self.main, rel.target)
            target = self.entries.get(part.lower()) if part else None
            if target is None:
                damaged("has no contents")
                continue
            if target.name.lower() in parts:
                damaged("shares its contents with another sheet")
                continue
            parts.add(target.name.lower())
            sheets.append((sheet.name, target, cast(Visibility, state), kind))
        if len(self.problems) > damaged_before:
            raise _Stop
        return sheets

    def _read_worksheets(
        self, sheets: list[tuple[str, Entry, Visibility, SheetKind]]
    ) -> list[SheetFacts]:
        facts: list[SheetFacts] = []
        for name, entry, visibility, kind in sheets:
            if kind == "chartsheet":
                self._parse(entry, Handler(self.limits, self.budget), where=f"sheet '{name}'")
                facts.append(SheetFacts(name, entry.name, visibility, kind))
                continue
            handler = Worksheet(self.limits, self.budget, name)
            try:
                self._parse(entry, handler, where=f"sheet '{name}'")
            except SheetTooLarge as exc:
                self.add("FILE_SHEET_TOO_LARGE", str(exc), entry.name)
            dimension = handler.dimension_problem()
            if dimension:
                self.add(dimension[0], dimension[1], entry.name, key="dimension")
            facts.append(
                SheetFacts(
                    name=name,
                    part=entry.name,
                    visibility=visibility,
                    kind=kind,
                    dimension=handler.dimension,
                    rows=handler.rows,
                    max_row=handler.max_row,
                    max_col=handler.max_col,
                    formula_cells=tuple(handler.formula_cells),
                    formula_count=handler.formula_count,
                )
            )
        return facts

    def _formula_problems(self, facts: list[SheetFacts]) -> None:
        budget = self.limits.max_formula_problems
        reported = 0
        unreported = 0
        for sheet in facts:
            if self.value_sheets is not None and sheet.name not in self.value_sheets:
                continue
            unreported += sheet.formula_count - len(sheet.formula_cells)
            for cell in sheet.formula_cells:
                if reported >= budget:
                    unreported += 1
                    continue
                reported += 1
                where = f"{_quote_sheet(sheet.name)}!{cell}"
                self.add(
                    "FILE_FORMULA",
                    f"Cell {where} contains a formula. Type the number itself instead of a "
                    "formula (copy the cell, then Paste Special > Values) and upload again.",
                    where,
                    key=f"cell:{where}",
                )
        if unreported:
            self.add(
                "FILE_FORMULA",
                f"{unreported:,} more cells contain formulas. Replace every formula with the "
                "number itself (copy the cells, then Paste Special > Values) and upload again.",
                key="cell:more",
            )

    def _check_shared_strings(self) -> None:
        limit = self.limits.max_shared_strings_bytes
        targets: set[str] = set()
        for rels_part, rels in self._rels.items():
            for rel in rels or []:
                if rel.type.lower().endswith("/sharedstrings") and not rel.external:
                    resolved = _resolve(_rels_source(rels_part), rel.target)
                    if resolved:
                        targets.add(resolved.lower())
        for entry in self.order:
            low = entry.name.lower()
            is_strings = low in targets or self.content_types.content_type(low) == SHARED_STRINGS_CT
            if is_strings and self.sizes.get(low, 0) > limit:
                self._shared_strings_problem(entry.name)
                self.partial.add(low)

    def _read_app_properties(self) -> dict[str, str]:
        part = "docProps/app.xml"
        for rel in self._relationships_of("_rels/.rels") or []:
            if rel.type.lower().endswith("/extended-properties") and not rel.external:
                part = _resolve("", rel.target) or part
                break
        entry = self._usable(part)
        handler = AppProperties(self.limits, self.budget)
        if entry is None or not self._parse(entry, handler):
            return {}
        return {k: v.strip() for k, v in handler.values.items()}

    def _check_remaining_xml(self) -> None:
        for entry in self.order:
            low = entry.name.lower()
            if entry.is_dir or low in self.parsed or low in self.partial:
                continue
            ctype = self.content_types.content_type(low) or ""
            if low.endswith((".xml", ".rels")) or ctype.endswith(("+xml", "/xml")):
                self._parse(entry, Handler(self.limits, self.budget))

    def _other_package_message(self) -> str:
        entry = self._usable("mimetype")
        mimetype = b""
        if entry is not None:
            chunks = stream(self.data, entry)
            mimetype = next(chunks, b"")[:200].strip().lower()
            chunks.close()
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet" or (
            mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet")
        ):
            return (
                "This is an OpenDocument spreadsheet (.ods), not an Excel workbook. In "
                "LibreOffice choose File > Save As > 'Excel 2007-365 (.xlsx)', and upload the "
                "new file."
            )
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return (
                "This is an OpenDocument file (for example a LibreOffice text document), not an "
                "Excel workbook. Upload the Excel template you filled in (.xlsx)."
            )
        if "word/document.xml" in self.entries:
            return _WORD
        return (
            "This file is a zip archive, not an Excel workbook. Upload the Excel template you "
            "filled in (.xlsx) itself, not a zip file containing it."
        )


def _forbidden_by_name(low: str) -> str | None:
    base = low.rpartition("/")[2]
    if base in ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"):
        return "FILE_MACROS"
    if low.startswith(("xl/macrosheets/", "xl/dialogsheets/", "customui/")) or base in (
        "customui.xml",
        "customui14.xml",
    ):
        return "FILE_MACROS"
    if low.startswith("xl/externallinks/"):
        return "FILE_EXTERNAL_LINKS"
    if low == "xl/connections.xml" or low.startswith("xl/querytables/"):
        return "FILE_DATA_CONNECTIONS"
    if low.startswith(("xl/activex/", "xl/embeddings/", "xl/ctrlprops/")):
        return "FILE_EMBEDDED_OBJECTS"
    return None


_RESAVE = "Open it in Excel (or LibreOffice), save it as Excel Workbook (.xlsx), and upload again."
_LIE = (
    "This file's contents expand beyond the sizes it records, a trick used to hide very large "
    "contents. Such files are refused for safety. Download a fresh template, copy your figures "
    "into it, and upload that file."
)
_STRICT = (
    "This workbook is saved as 'Strict Open XML Spreadsheet', which the system cannot read. In "
    "Excel choose File > Save As > 'Excel Workbook (.xlsx)', and upload the new file."
)
_WORD = (
    "This is a Word document, not an Excel workbook. Upload the Excel template you filled in "
    "(.xlsx)."
)
_POWERPOINT = (
    "This is a PowerPoint presentation, not an Excel workbook. Upload the Excel template you "
    "filled in (.xlsx)."
)
_TEMPLATE = (
    "This is an Excel template (.xltx or .xltm), not a workbook. Open it in Excel, choose File > "
    "Save As > 'Excel Workbook (.xlsx)', and upload the new file."
)
_BINARY = (
    "This is an Excel Binary Workbook (.xlsb). In Excel choose File > Save As > 'Excel Workbook "
    "(.xlsx)', and upload the new file."
)


def _ole2_message(data: bytes) -> str:
    head = data[: 4 * MiB]
    if (
        "EncryptionInfo".encode("utf-16-le") in head
        or "EncryptedPackage".encode("utf-16-le") in head
    ):
        return (
            "This file is protected with a password to open it, so the system cannot read it. In "
            "Excel choose File > Info > Protect Workbook > Encrypt with Password, clear the "
            "password, save, and upload again."
        )
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return (
            "This is an old Excel 97-2003 file (.xls). Open it in Excel, choose File > Save As > "
            "'Excel Workbook (.xlsx)', and upload the new file."
        )
    if "WordDocument".encode("utf-16-le") in head:
        return (
            "This is an old Word document (.doc), not an Excel workbook. Upload the Excel "
            "template you filled in (.xlsx)."
        )
    return (
        "This is an old-format Office file (such as .xls) or a password-protected workbook, which "
        "the system cannot read. Remove any password and save it as 'Excel Workbook (.xlsx)', "
        "then upload again."
    )


def _not_zip_message(data: bytes) -> str:
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    text = head.replace(b"\x00", b"") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else head
    low = text.lstrip().lower()
    if low.startswith(b"%pdf"):
        return (
            "This is a PDF file, not an Excel workbook. Upload the Excel template you filled in "
            "(.xlsx)."
        )
    if low.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
            return (
                "This is an 'XML Spreadsheet 2003' file, not an Excel workbook. Open it in "
                "Excel, choose File > Save As > 'Excel Workbook (.xlsx)', and upload the new "
                "file."
            )
        if b"<html" in low or b"<!doctype html" in low or b"<table" in low:
            return (
                "This file is a web page (HTML) with an Excel name; many systems export "
                "'Excel' files this way. Open it in Excel, choose File > Save As > 'Excel "
                "Workbook (.xlsx)', and upload the new file."
            )
        return (
            "This is an XML or web file, not an Excel workbook. Open it in Excel, choose File > "
            "Save As > 'Excel Workbook (.xlsx)', and upload the new file."
        )
    if b"\x00" not in text and _looks_like_text(text) and any(c in text for c in b",;\t"):
        return (
            "This is a CSV or text file with an Excel name. Open it in Excel and save it as "
            "'Excel Workbook (.xlsx)', or upload it as a CSV file."
        )
    return (
        "This is not an Excel workbook (.xlsx), even if its name ends in .xlsx. Open it in Excel, "
        "choose File > Save As > 'Excel Workbook (.xlsx)', and upload the new file."
    )


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    printable = sum(1 for b in head if b >= 0x20 or b in (0x09, 0x0A, 0x0D))
    return printable / len(head) > 0.95

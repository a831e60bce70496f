"""A saved version as a spreadsheet: CSV (one row per meeting) and an Excel workbook (every
meeting on the first sheet, then one sheet per round). Read only, like the print pages.

Cells a spreadsheet would run as a formula are written as text (``attendee_csv.neutralise``
for CSV; the string cell type for Excel). Headers, sheet names, table names and reasons are in
the language of the organiser's page the file is downloaded from (``?lang=`` switch, else their
browser's), like every other organiser page.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from ..attendee_csv import neutralise
from ..i18n import _, lazy_gettext
from ..models import Event, SavedMeeting, ScheduleVersion
from . import review

HEADER = [lazy_gettext("Round"), lazy_gettext("Starts"), lazy_gettext("Ends"), lazy_gettext("Table"),
          lazy_gettext("Person"), lazy_gettext("Organisation"), lazy_gettext("Email"),
          lazy_gettext("Partner"), lazy_gettext("Partner's organisation"),
          lazy_gettext("Partner's email"), lazy_gettext("Why")]
# A version with tables of three adds the third person after "Why" (empty for pairs).
TRIO_HEADER = [lazy_gettext("Third person"), lazy_gettext("Third person's organisation"),
               lazy_gettext("Third person's email")]


def header(trios: bool = False) -> list[str]:
    """The column names in the current language (with the third person's for ``trios``)."""
    return [str(name) for name in HEADER + (TRIO_HEADER if trios else [])]


def _has_trios(version: ScheduleVersion) -> bool:
    return any(m.is_trio for m in version.meetings)


def meeting_rows(event: Event, version: ScheduleVersion) -> list[list]:
    """One row per meeting in round and table order; times are the event's local times."""
    rounds = review.rounds_of(event)
    rows = []
    trios = _has_trios(version)
    for m in version.meetings:  # ordered by round, then table
        r = rounds.get(m.round_number)
        rows.append([m.round_number, r.starts_at if r else None, r.ends_at if r else None,
                     event.table_label(m.table_number), *_person(m, "a"), *_person(m, "b"),
                     review.reason_for(m)] + (list(_person(m, "c")) if trios else []))
    return rows


def _person(m: SavedMeeting, side: str) -> tuple[str, str, str]:
    person = {"a": m.attendee_a, "b": m.attendee_b, "c": m.attendee_c}[side]
    if person is None:
        return "", "", ""
    return person.name, person.organisation, person.email


def _cell_text(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value)


def schedule_csv(event: Event, version: ScheduleVersion) -> str:
    """The version as CSV text (UTF-8 with a byte order mark, so Excel reads å, ä and ö)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(_has_trios(version)))
    writer.writerows([_cell_text(v) for v in row] for row in meeting_rows(event, version))
    return "\ufeff" + out.getvalue()


def schedule_xlsx(event: Event, version: ScheduleVersion) -> bytes:
    """The version as an .xlsx workbook: "All meetings", then a sheet per round."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    rows = meeting_rows(event, version)
    head = header(_has_trios(version))
    book = Workbook()
    sheets = [(_("All meetings"), rows)]
    for r in event.rounds:
        # ":" is not allowed in a sheet name; 31 characters at most
        title = _("Round %(number)s %(time)s", number=r.number, time=r.starts_at.strftime("%H.%M"))[:31]
        sheets.append((title, [row for row in rows if row[0] == r.number]))
    for index, (title, sheet_rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet_rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cell.alignment = Alignment(vertical="top", wrap_text=cell.column == len(HEADER))
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLMN", (7, 17, 17, 12, 22, 22, 28, 22, 22, 28, 80,
                                                    22, 22, 28), strict=False):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

# SPDX-License-Identifier: EUPL-1.2
"""Bulk CSV import of contributions: every row through the same forms and services as a single entry.

One row is one contribution with one line, or, when ``ref`` is filled in, one line added to an existing
contribution of the importer's state. Envelope columns carry the form's field names (``type``, ``commons``,
``title``, ``visibility``, ``period_start`` …); line columns the line form's names with a ``line_`` prefix
(``line_kind``, ``line_date``, ``line_amount``, ``line_currency``, ``line_role``, ``line_person_days`` …).

All or nothing: the rows run in one transaction; if any row is invalid, or on a dry run, everything is rolled
back and the report lists (row, field, error) for every problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from commons.contributions import services
from commons.contributions.forms import contribution_form_class, line_form_class
from commons.contributions.models import TYPES
from commons.errors import NotFound, ServiceError, ValidationFailed
from commons.extensions import db
from commons.permissions import require

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
LINE_PREFIX = "line_"


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, field, message)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.dry_run and not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "rows": self.rows,
            "valid": not self.errors,
            "errors": [{"row": r, "field": f, "message": m} for r, f, m in self.errors],
            "created": self.created if self.imported else [],
            "would_create": len(self.created) if not self.imported else 0,
            "updated": self.updated if self.imported else [],
        }


def _field_name(name: str) -> str:
    """Form field names back to CSV column names (``lines-0-amount`` → ``line_amount``)."""
    if name.startswith("lines-"):
        return LINE_PREFIX + name.split("-", 2)[2]
    return name


def _row_formdata(row: dict[str, str], *, as_line: bool) -> MultiDict[str, str]:
    out: MultiDict[str, str] = MultiDict()
    for key, value in row.items():
        if key is None or value is None:
            continue
        key = key.strip()
        value = value.strip()
        if not value:
            continue
        if key.startswith(LINE_PREFIX):
            name = key[len(LINE_PREFIX) :]
            out.add(name if as_line else f"lines-0-{name}", value)
        elif key == "not_duplicate":
            if value.lower() in ("1", "true", "yes", "y"):
                out.add(key, "y")
        else:
            out.add(key, value)
    return out


def _rows(data: bytes) -> list[dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than 2 MB.")]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": [_("The file is not UTF-8 text.")]}) from exc
    if not text.strip():
        raise ValidationFailed({"file": [_("Choose a CSV file with a header row.")]})
    reader = csv.DictReader(io.StringIO(text))
    try:
        if not reader.fieldnames or "title" not in reader.fieldnames and "ref" not in reader.fieldnames:
            raise ValidationFailed({"file": [_("The header row needs at least the columns type, commons and title.")]})
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        # e.g. a bare carriage return inside an unquoted field ("a\rb"): the file is refused with the line.
        raise ValidationFailed(
            {
                "file": [
                    _(
                        "Line %(line)d is not valid CSV: put quotation marks around every field that holds a "
                        "line break or a carriage return.",
                        line=reader.line_num + 1,
                    )
                ]
            }
        ) from exc
    if len(rows) > MAX_ROWS:
        raise ValidationFailed({"file": [_("At most %(n)d rows per file.", n=MAX_ROWS)]})
    return rows


def _one_row(actor: Any, row: dict[str, str], number: int, report: ImportReport) -> None:
    def fail(errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                report.errors.append((number, _field_name(name), str(message)))

    ref = (row.get("ref") or "").strip()
    if ref:
        try:
            contribution = services.get_for_edit(actor, ref)
        except NotFound:
            report.errors.append((number, "ref", _("Unknown contribution %(ref)s.", ref=ref)))
            return
        form = line_form_class(contribution.type)(
            formdata=_row_formdata(row, as_line=True), meta={"csrf": False}, number_locale=None
        )
        if not form.validate():
            fail(form.error_dict())  # type: ignore[attr-defined]
            return
        services.add_lines(actor, contribution.ref, [form.cleaned()], contribution.version)  # type: ignore[attr-defined]
        report.updated.append(contribution.ref)
        return
    kind = (row.get("type") or "").strip()
    if kind not in TYPES:
        report.errors.append((number, "type", _("Choose the type: funding, staff, governance or in_kind.")))
        return
    # number_locale=None: a CSV file holds numbers in the canonical form (1234.56), whoever uploads it.
    form = contribution_form_class(kind)(
        formdata=_row_formdata(row, as_line=False), meta={"csrf": False}, number_locale=None
    )
    form.commons.choices = []
    if not form.validate():
        fail(form.error_dict())
        return
    contribution = services.create_contribution(actor, form.cleaned())
    report.created.append(contribution.ref)


def run_import(actor: Any, data: bytes, *, dry_run: bool) -> ImportReport:
    """Check every row and import all of them, or none; on a dry run nothing is ever kept."""
    # Permission first: only those who may record for a state import (reps: their own; admins).
    require(actor, "contribution:create", getattr(actor, "member_state_code", None) or "")
    rows = _rows(data)
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    outer = db.session.begin_nested()
    for number, row in enumerate(rows, start=2):  # row 1 is the header, as a spreadsheet numbers it
        savepoint = db.session.begin_nested()
        try:
            _one_row(actor, row, number, report)
        except ValidationFailed as failure:
            savepoint.rollback()
            for name, messages in failure.errors.items():
                for message in messages:
                    report.errors.append((number, _field_name(name), str(message)))
            continue
        except ServiceError as error:
            savepoint.rollback()
            if error.status in (403, 404):
                # The whole file is refused: the importer may not record for this state at all.
                outer.rollback()
                raise
            report.errors.append((number, "row", error.message or type(error).__name__))
            continue
        if savepoint.is_active:
            savepoint.commit()
    if dry_run or report.errors:
        outer.rollback()
        db.session.expire_all()
        return report
    outer.commit()  # the caller commits the transaction
    return report

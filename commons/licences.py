# SPDX-License-Identifier: EUPL-1.2
"""SPDX licence expressions and the approval of common licences, shared by the health score and the review.

The SPDX data shipped with ``license-expression`` validates identifiers but carries no approval flags, so the
approval of the licences public-sector software commonly uses is recorded here, by SPDX identifier, as the SPDX
licence list gives it (isOsiApproved from opensource.org/licenses, isFsfLibre from the FSF's licence list).
A licence missing here is reported as "approval not confirmed", never as refused.
"""

from __future__ import annotations

from license_expression import ExpressionError, get_spdx_licensing

# SPDX id -> (OSI-approved, FSF free)
APPROVALS: dict[str, tuple[bool, bool]] = {
    "0BSD": (True, False), "AFL-3.0": (True, True), "AGPL-3.0": (True, True), "AGPL-3.0-only": (True, True),
    "AGPL-3.0-or-later": (True, True), "Apache-1.1": (True, True), "Apache-2.0": (True, True),
    "APSL-2.0": (True, True), "Artistic-2.0": (True, True), "BlueOak-1.0.0": (True, False),
    "BSD-1-Clause": (True, False), "BSD-2-Clause": (True, True), "BSD-2-Clause-Patent": (True, False),
    "BSD-3-Clause": (True, True), "BSL-1.0": (True, True), "CC0-1.0": (False, True), "CC-BY-4.0": (False, True),
    "CC-BY-SA-4.0": (False, True), "CDDL-1.0": (True, True), "CECILL-2.1": (True, True), "CPAL-1.0": (True, True),
    "ECL-2.0": (True, True), "EPL-1.0": (True, True), "EPL-2.0": (True, True), "EUPL-1.1": (True, True),
    "EUPL-1.2": (True, True), "GPL-2.0": (True, True), "GPL-2.0-only": (True, True),
    "GPL-2.0-or-later": (True, True), "GPL-3.0": (True, True), "GPL-3.0-only": (True, True),
    "GPL-3.0-or-later": (True, True), "ISC": (True, True), "LGPL-2.1": (True, True), "LGPL-2.1-only": (True, True),
    "LGPL-2.1-or-later": (True, True), "LGPL-3.0": (True, True), "LGPL-3.0-only": (True, True),
    "LGPL-3.0-or-later": (True, True), "LPPL-1.3c": (True, True), "MIT": (True, True), "MIT-0": (True, False),
    "MPL-1.1": (True, True), "MPL-2.0": (True, True), "MPL-2.0-no-copyleft-exception": (True, False),
    "MS-PL": (True, True), "MS-RL": (True, True), "MulanPSL-2.0": (True, False), "NCSA": (True, True),
    "ODbL-1.0": (False, True), "OFL-1.1": (True, True), "OSL-3.0": (True, True), "PostgreSQL": (True, False),
    "Python-2.0": (True, True), "Unlicense": (True, True), "UPL-1.0": (True, True), "W3C": (True, True),
    "Zlib": (True, True), "ZPL-2.1": (True, True),
}  # fmt: skip

OSI_APPROVED = frozenset(key for key, (osi, _fsf) in APPROVALS.items() if osi)

_licensing = get_spdx_licensing()


def licence_keys(expression: str) -> list[str] | None:
    """The SPDX licence identifiers in an expression, or None when it is not a valid SPDX expression.

    ``LicenseRef-…`` identifiers are valid (SPDX allows them for licences outside its list) and listed;
    exceptions (``WITH Classpath-exception-2.0``) modify a licence and are not listed.
    """
    try:
        parsed = _licensing.parse(expression, strict=True)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    unknown = [k for k in _licensing.unknown_license_keys(parsed) if not str(k).startswith("LicenseRef-")]
    if unknown:
        return None
    symbols = _licensing.license_symbols(parsed, unique=True, decompose=True)
    return sorted({str(s.key) for s in symbols if not getattr(s, "is_exception", False)})


def approval(key: str) -> tuple[bool, bool]:
    """(OSI-approved, FSF free) as far as this table knows; (False, False) means "not confirmed"."""
    return APPROVALS.get(key, (False, False))

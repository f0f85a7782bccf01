# SPDX-License-Identifier: EUPL-1.2
"""One human sentence per cause of a failed request to a forge (``harvesters.FAILURE_CAUSES``).

The cause is classified once, where the failure happens (``harvesters.failure_cause``, ``status_cause``),
and stored with the error (a harvest job's or item's ``details["cause"]``); pages show the sentence and
fold the technical detail below it. The nomination form says the same things in its own words.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from harvesters import FAILURE_CAUSES, failure_cause

__all__ = ["FAILURE_CAUSES", "UNREACHABLE_CAUSES", "cause_sentence", "failure_cause", "nomination_message"]

# The forge could not be reached (or not served the request): trying again later may work.
UNREACHABLE_CAUSES = frozenset({"unresolved", "unreachable", "timeout", "server_error", "rate_limited"})

_SENTENCES = {
    "unresolved": _l("The forge's host name did not resolve: check the address, or the server's name service (DNS)."),
    "refused": _l(
        "The address is not allowed: it points to a private or local network, or leaves the forge (the "
        "platform's outbound guard refused it)."
    ),
    "unreachable": _l("The forge refused the connection or closed it: it may be down."),
    "timeout": _l("The forge did not answer in time."),
    "server_error": _l("The forge answered with a server error (HTTP 5xx): it may be down for a while."),
    "rate_limited": _l("The forge's rate limit was reached; the next run will go on."),
    "not_found": _l("The forge says this account or file does not exist (HTTP 404)."),
    "http_error": _l("The forge answered with an error."),
    "malformed": _l("The forge's answer could not be read (the listing or the record was malformed)."),
    "too_large": _l("The forge's answer was larger than the platform accepts."),
    "page_cap": _l("The listing stopped at the page cap; the rest was not read."),
    "loop": _l("The listing's pages went round in a loop; the walk stopped."),
    "budget": _l("The request budget for this forge was spent; the next run will go on."),
    "interrupted": _l("The run was interrupted (the worker stopped) before it finished."),
    "error": _l("An unexpected error stopped this part of the run."),
}


def cause_sentence(cause: str | None) -> str:
    """The translated sentence for ``cause`` (the generic one for an unknown or missing cause)."""
    return str(_SENTENCES.get(cause or "error", _SENTENCES["error"]))


def nomination_message(cause: str, host: str) -> str:
    """What the nomination form says when fetching the nominated repository failed for ``cause``."""
    if cause == "refused":
        return _("This address is not allowed: it points to a private or local network.")
    if cause == "not_found":
        return _("There is no public repository at this address.")
    if cause == "unresolved":
        return _(
            "The forge could not be reached: the name %(host)s did not resolve. Check the address, or try again later.",
            host=host,
        )
    if cause == "timeout":
        return _("The forge could not be reached: %(host)s did not answer in time. Try again later.", host=host)
    if cause == "server_error":
        return _("The forge could not be reached: %(host)s answered with a server error. Try again later.", host=host)
    if cause == "unreachable":
        return _("The forge could not be reached: %(host)s refused the connection. Try again later.", host=host)
    if cause == "rate_limited":
        return _("The forge %(host)s is busy (its rate limit was reached). Try again later.", host=host)
    return _("The forge could not be reached or answered with an error. Try again later.")

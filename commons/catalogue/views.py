# SPDX-License-Identifier: EUPL-1.2
"""Catalogue pages: search, commons pages, usage declarations and nominations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from commons.cache import cached_for_anonymous, invalidate_on_commit
from commons.catalogue import services
from commons.catalogue.forms import EmptyForm, NominationForm, UsageForm
from commons.catalogue.functions import label as function_label
from commons.catalogue.health import health_of
from commons.catalogue.models import Commons, CommonsSteward, Repository, UsageDeclaration
from commons.catalogue.search import FACETS, SearchParams, organisation_names
from commons.catalogue.search import search as run_search
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.forms import is_http_url
from commons.i18n import country_name, current_language
from commons.organisations.models import Organisation
from commons.templating import status_label

bp = Blueprint("catalogue", __name__)

# Anonymous search answers are cached for a few seconds (commons.cache); any write of what a search shows
# empties the cache of this process at commit.
invalidate_on_commit(Commons, Repository, UsageDeclaration, CommonsSteward, Organisation)


FACET_LABELS = {
    "function": _l("Function"),
    "license": _l("Licence"),
    "language": _l("Programming language"),
    "category": _l("Category"),
    "country": _l("Country of origin"),
    "organisation": _l("Organisation"),
    "status": _l("Catalogue status"),
    "development_status": _l("Development status"),
    "forge": _l("Forge"),
    "has_publiccode": _l("Has a publiccode.yml"),
    "activity": _l("Activity"),
    "archived": _l("Archived"),
}
CATEGORY_LABELS = {
    "software": _l("Software"),
    "data": _l("Data"),
    "content": _l("Content"),
    "standard": _l("Standard"),
    "ai_model": _l("AI model"),
    "service": _l("Service"),
}
DEVELOPMENT_LABELS = {
    "concept": _l("Concept"),
    "development": _l("In development"),
    "beta": _l("Beta"),
    "stable": _l("Stable"),
    "obsolete": _l("Obsolete"),
}
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "activity": _l("Recent activity"),
    "usage": _l("Usage"),
    "stars": _l("Stars"),
    "name": _l("Name"),
}


def facet_value_label(facet: str, value: str, org_names: dict[str, str] | None = None) -> str:
    """A reader's label for a facet value; codes are kept where they are the label (SPDX, hosts)."""
    if facet == "function":
        return function_label(value, current_language())
    if facet == "status":
        return status_label(value)
    if facet == "category":
        return str(CATEGORY_LABELS.get(value, value))
    if facet == "development_status":
        return str(DEVELOPMENT_LABELS.get(value, value))
    if facet == "country":
        return country_name(value)
    if facet in ("has_publiccode", "archived"):
        return _("Yes") if value == "yes" else _("No")
    if facet == "activity":
        return _("Active in the last %(months)s months", months=value)
    if facet == "organisation":
        return (org_names or {}).get(value, value)
    return value


def _endpoint_exists(name: str) -> bool:
    return name in current_app.view_functions


@bp.route("/commons")
@cached_for_anonymous("catalogue.search")
def search() -> Any:
    """The catalogue search: every state is in the query string, so every page is a shareable URL."""
    errors: dict[str, list[str]] = {}
    try:
        params = SearchParams.from_args(request.args)
    except ValidationFailed as failure:
        errors = failure.errors
        params = SearchParams()
    result = run_search(params)
    org_names = organisation_names(v for v, _n in result.facets.get("organisation", []))
    export_links = {
        fmt: url_for(f"catalogue.export_{fmt}", **_multi(params.query_args(page=1, per_page=params.per_page)))
        for fmt in ("csv", "json")
        if _endpoint_exists(f"catalogue.export_{fmt}")
    }
    return render_template(
        "catalogue/search.html",
        params=params,
        result=result,
        errors=errors,
        facet_names=FACETS,
        org_names=org_names,
        exports=export_links,
        facet_labels=FACET_LABELS,
        sort_labels=SORT_LABELS,
        value_label=lambda facet, value: facet_value_label(facet, value, org_names),
        url_with=lambda pairs: url_for("catalogue.search", **_multi(pairs)),
    ), (400 if errors else 200)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


@bp.route("/commons/<slug>")
def detail(slug: str) -> Any:
    commons = services.get_commons(slug)
    user = current_user
    own_usage = None
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    if organisation is not None:
        own_usage = services.usage_of(commons, organisation)
    description, description_language = services.page_description(commons, current_language())
    publiccode_repo = next((r for r in commons.repositories if r.publiccode_raw), None)
    return render_template(
        "catalogue/detail.html",
        commons=commons,
        description=description,
        description_language=description_language,
        health=health_of(commons),
        usage_groups=services.usage_by_country(commons),
        contributions=services.public_contributions(commons),
        needs=services.open_needs(commons),
        review=services.current_review(commons),
        review_url=url_for("reviews.public_decision", slug=commons.slug)
        if _endpoint_exists("reviews.public_decision")
        else None,
        related=services.related_commons(commons),
        referents=services.referents(commons, user),
        referent_count=services.referent_count(commons),
        is_referent=services.is_referent(user, commons),
        own_usage=own_usage,
        organisation=organisation,
        publiccode_repo=publiccode_repo,
        button_form=EmptyForm(),
    )


def _usage_page(commons: Any, form: UsageForm, status: int = 200) -> Any:
    organisation = getattr(current_user, "organisation", None)
    usage = services.usage_of(commons, organisation)
    return render_template(
        "catalogue/usage.html",
        commons=commons,
        form=form,
        organisation=organisation,
        usage=usage,
        button_form=EmptyForm(),
    ), status


@bp.route("/commons/<slug>/usage", methods=["GET", "POST"])
@login_required
def usage(slug: str) -> Any:
    """Declare that the user's organisation uses a commons, or change the declaration."""
    commons = services.get_commons(slug)
    organisation = getattr(current_user, "organisation", None)
    existing = services.usage_of(commons, organisation)
    form = UsageForm(obj=existing) if request.method == "GET" and existing else UsageForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.declare_usage(
                    current_user._get_current_object(),
                    commons,
                    context=form.context.data,
                    since=form.since.data,
                    instance_url=form.instance_url.data,
                    public=bool(form.public.data),
                )
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                return _usage_page(commons, form, 422)
            db.session.commit()
            flash(_("Thank you: your organisation's use of %(name)s is recorded.", name=commons.name), "success")
            return redirect(url_for("catalogue.detail", slug=commons.slug))
        # The service's own rules (the user's organisation) are reported with the form's, in one submit.
        form.apply_errors(ValidationFailed(services.check_usage(current_user._get_current_object())))
        return _usage_page(commons, form, 422)
    return _usage_page(commons, form)


@bp.route("/commons/<slug>/usage/withdraw", methods=["POST"])
@login_required
def withdraw_usage(slug: str) -> Any:
    commons = services.get_commons(slug)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("catalogue.detail", slug=commons.slug))
    services.withdraw_usage(current_user._get_current_object(), commons)
    db.session.commit()
    flash(_("Your organisation's declaration is withdrawn."), "success")
    return redirect(url_for("catalogue.detail", slug=commons.slug))


@bp.route("/commons/<slug>/referent", methods=["POST"])
@login_required
def referent(slug: str) -> Any:
    """Volunteer as referent (``action=withdraw`` to stop)."""
    commons = services.get_commons(slug)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("catalogue.detail", slug=commons.slug))
    user = current_user._get_current_object()
    try:
        if request.form.get("action") == "withdraw":
            services.withdraw_referent(user, commons)
            message = _("You are no longer a referent for %(name)s.", name=commons.name)
        else:
            services.volunteer_referent(user, commons)
            message = _("Thank you: you are a referent for %(name)s.", name=commons.name)
    except ValidationFailed as failure:
        db.session.rollback()
        for messages in failure.errors.values():
            for text in messages:
                flash(text, "error")
        return redirect(url_for("catalogue.detail", slug=commons.slug))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("catalogue.detail", slug=commons.slug))


@bp.route("/commons/nominate", methods=["GET", "POST"])
@login_required
def nominate() -> Any:
    """Propose a candidate by its repository address; the existing entry is shown if it is known."""
    form = NominationForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                commons, created = services.nominate(
                    current_user._get_current_object(),
                    form.url.data or "",
                    kind=form.kind.data or None,
                    reason=form.reason.data,
                )
            except ValidationFailed as failure:
                db.session.rollback()
                form.apply_errors(failure)
                return render_template("catalogue/nominate.html", form=form), 422
            db.session.commit()
            if created:
                flash(_("Thank you: %(name)s is now a candidate.", name=commons.name), "success")
            else:
                flash(_("%(name)s is already in the catalogue: here it is.", name=commons.name), "success")
            return redirect(url_for("catalogue.detail", slug=commons.slug))
        return render_template("catalogue/nominate.html", form=form), 422
    return render_template("catalogue/nominate.html", form=form)


from commons.catalogue import exports  # noqa: E402,F401 - registers the export routes on bp


@bp.context_processor
def _catalogue_helpers() -> dict[str, Any]:
    return {
        "country_name": country_name,
        "category_label": lambda v: str(CATEGORY_LABELS.get(v, v)),
        "development_label": lambda v: str(DEVELOPMENT_LABELS.get(v, v)),
        # Harvested addresses become links only when they are http(s): never javascript: or data:.
        "is_http_url": is_http_url,
    }

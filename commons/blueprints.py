# SPDX-License-Identifier: EUPL-1.2
"""Every blueprint of the application, registered in one place."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from commons.accounts.views import bp as accounts
    from commons.admin.views import rates_bp as admin_rates
    from commons.admin.views import users_bp as admin_users
    from commons.api import bp as api
    from commons.catalogue.views import bp as catalogue
    from commons.contributions.exports import bp as exports
    from commons.contributions.views import bp as contributions
    from commons.extensions import csrf
    from commons.harvest.views import bp as harvest
    from commons.main.views import bp as main
    from commons.organisations.views import bp as organisations
    from commons.publiccode.views import bp as publiccode
    from commons.reviews.views import bp as reviews

    for blueprint in (
        main,
        accounts,
        catalogue,
        organisations,
        harvest,
        reviews,
        contributions,
        exports,
        admin_users,
        admin_rates,
        publiccode,
    ):
        app.register_blueprint(blueprint)
    # The API authenticates writes with bearer tokens only (never the session cookie), so CSRF does not apply.
    csrf.exempt(api)
    app.register_blueprint(api)

# SPDX-License-Identifier: EUPL-1.2
"""commons: the platform of the European initiative for digital commons."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from commons.settings import CONFIGS, PROJECT_ROOT, Config, Production

__version__ = "0.1.0"


def _load_config(app: Flask, config: str | type[Config] | dict[str, Any] | None) -> None:
    if config is None:
        config = os.environ.get("COMMONS_CONFIG", "development")
    if isinstance(config, str):
        try:
            config = CONFIGS[config.lower()]
        except KeyError as exc:
            raise RuntimeError(f"unknown COMMONS_CONFIG {config!r}; use one of {', '.join(CONFIGS)}") from exc
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["testing"] if config.get("TESTING") else CONFIGS["development"])
        app.config.update(config)
    else:
        app.config.from_object(config)


def _is_production(config: object) -> bool:
    if config is None:
        config = os.environ.get("COMMONS_CONFIG", "development")
    if isinstance(config, str):
        return config.lower() == "production"
    return isinstance(config, type) and issubclass(config, Production)


def create_app(config: str | type[Config] | dict[str, Any] | None = None, **overrides: Any) -> Flask:
    """Build the application. ``config`` names or gives a config class; ``overrides`` win over it."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    _load_config(app, config)
    app.config.update(overrides)
    # Only the production configuration sends what would pin plain-HTTP development to HTTPS (HSTS).
    app.config["COMMONS_IS_PRODUCTION"] = _is_production(config)
    if app.config["COMMONS_IS_PRODUCTION"]:
        Production.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    from commons import extensions, models  # noqa: F401 - every model registered before Alembic looks
    from commons.database import init_database

    extensions.db.init_app(app)
    init_database(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)

    from commons.i18n import init_i18n, select_locale

    extensions.babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)

    from commons.accounts.auth import init_login

    init_login(app)

    from commons.security import init_security

    init_security(app)

    from commons.errors import register_error_handlers

    register_error_handlers(app)

    from commons.blueprints import register_blueprints

    register_blueprints(app)

    from commons.templating import init_templating

    init_templating(app)
    return app

"""meetmatch: rounds of one-to-one meetings that maximise mutual benefit."""

from __future__ import annotations

import os
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import i18n, log_privacy
from .extensions import csrf, db, limiter, migrate, set_sqlite_busy_timeout
from .faults import register_maintenance_page
from .i18n import lazy_gettext as _l
from .input_limits import BoundedIntConverter
from .mail_headers import check_mail_from
from .ratelimits import configure_rate_limit_storage, warn_if_limits_are_per_process

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

# Responses that may hold personal data; static files and the print stylesheet may be cached.
PRIVATE_TYPES = frozenset({"text/html", "text/csv", "application/pdf", "text/calendar",
                           "application/json",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


class ConfigError(RuntimeError):
    """The configuration cannot run safely (e.g. no SECRET_KEY in production)."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment (or test_config)."""
    # Unset: Flask's default, instance/ in a checkout, <venv>/var/meetmatch-instance for a wheel
    # (never site-packages).
    instance_path = os.environ.get("MEETMATCH_INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        # templates/ and migrations/ install as packages (see pyproject.toml), so a wheel has them
        template_folder=str(resources.files("meetmatch.templates")),
        static_folder="static",
    )
    # Before any route is added: ids in URLs beyond a 32-bit integer are a 404, not a 500.
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is None:
        app.config.update(config_module.from_environment(os.environ))
    else:
        app.config.update(test_config)
    _finish_config(app)

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resources.files("meetmatch.migrations")),
                     render_as_batch=True)
    csrf.init_app(app)
    log_privacy.install(app)  # manage-link tokens never reach a log line
    i18n.init_app(app)  # languages, the ?lang= switch, date/time/number filters
    configure_rate_limit_storage(app)  # Redis down: limits kept in-process, never a 500
    limiter.init_app(app)
    warn_if_limits_are_per_process(app, is_production(app))

    from . import attendee, organiser, schedule

    app.register_blueprint(attendee.bp)
    app.register_blueprint(organiser.bp)
    app.register_blueprint(schedule.bp)

    from .cli import register_commands

    register_commands(app)
    _register_security_headers(app)
    _register_error_pages(app)
    register_maintenance_page(app)  # database faults: a 503 page, never a traceback
    _register_template_helpers(app)
    return app


def is_production(app: Flask) -> bool:
    """Anything but ``MEETMATCH_ENV=development``/``testing`` (or a test app) is production."""
    return not (app.config.get("ENV") in {"development", "testing"} or app.testing)


def _finish_config(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "sqlite:///" + str(Path(app.instance_path) / "meetmatch.sqlite")
        )
    url = config_module.normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    set_sqlite_busy_timeout(int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    try:  # a From header must be one plain address: it is in every mail we send
        check_mail_from(app.config["MAIL_FROM"])
    except ValueError as error:
        raise ConfigError(f"MAIL_FROM: {error}") from error
    if not app.config.get("MAIL_FILE_DIR"):
        app.config["MAIL_FILE_DIR"] = str(Path(app.instance_path) / "outbox")
    # The browser drops the cookie when no login could outlive it anyway (Flask's default: 31 days).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(app.config["SESSION_MAX_HOURS"]))
    if not is_production(app):
        # Plain-HTTP development server: a Secure cookie would never come back.
        app.config["SESSION_COOKIE_SECURE"] = bool(
            os.environ.get("MEETMATCH_SESSION_COOKIE_SECURE", "") in {"1", "true"}
        )
    elif not app.config.get("SECRET_KEY") or app.config["SECRET_KEY"] == config_module.DEV_SECRET_KEY:
        raise ConfigError(
            "SECRET_KEY is missing or is the development default. Set SECRET_KEY in the "
            f"environment (e.g. {_MAKE_SECRET}) or run with MEETMATCH_ENV=development for local use."
        )
    elif problem := config_module.weak_secret_key_problem(str(app.config["SECRET_KEY"])):
        raise ConfigError(f"SECRET_KEY is too weak: {problem}. Make one with {_MAKE_SECRET}.")
    if is_production(app):
        _ignore_debug_flag(app)


_MAKE_SECRET = "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"  # a shell hint shown in an error, not a key  # nosec B105


def _ignore_debug_flag(app: Flask) -> None:
    """Production never runs in debug mode, whatever FLASK_DEBUG or DEBUG say: the debugger
    runs code typed into an error page and debug mode shows tracebacks to visitors.

    FLASK_DEBUG leaves the environment too, because the Flask CLI reads it again after the app
    is built (``meetmatch run`` would start the debugger and reloader).
    """
    from flask.helpers import get_debug_flag

    if app.config.get("DEBUG") or get_debug_flag():
        app.logger.warning("FLASK_DEBUG/DEBUG is ignored in production (MEETMATCH_ENV=%s).",
                           app.config.get("ENV"))
    os.environ.pop("FLASK_DEBUG", None)
    app.debug = False


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if response.mimetype in PRIVATE_TYPES:
            # Pages, exports and printouts show people's names and contacts: no copy may stay in
            # a browser's or a proxy's cache (send_file's own "no-cache" still stores one).
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:  # served over HTTPS: browsers must not fall back to plain HTTP
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def _register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, text: str):
        def handler(error):  # noqa: ARG001
            return render_template("errors/error.html", code=code, title=str(title), text=str(text)), code

        return handler

    app.register_error_handler(400, page(400, _l("Bad request"), _l("The request could not be understood. "
                                         "If you submitted a form, go back, reload the page and try again.")))
    app.register_error_handler(403, page(403, _l("Not allowed"), _l("You do not have access to this page.")))
    app.register_error_handler(404, page(404, _l("Not found"), _l("There is nothing at this address.")))
    app.register_error_handler(405, page(405, _l("Not possible here"),
                                         _l("This address does not accept that kind of request.")))
    app.register_error_handler(413, page(413, _l("Too large"), _l("The upload is too large (the limit is 2 MB).")))
    app.register_error_handler(429, page(429, _l("Too many attempts"),
                                         _l("You have tried this too often. Please wait a minute and try again.")))
    app.register_error_handler(500, page(500, _l("Something went wrong"),
                                         _l("An unexpected error happened. Nothing you typed was saved; "
                                            "please try again.")))


def _register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers():
        from flask_wtf import FlaskForm

        from .schedules.review import reason_for

        return {
            "has_endpoint": lambda name: name in app.view_functions,
            "nav_form": FlaskForm,
            "meeting_reason": reason_for,  # a saved meeting's reason, in the page's language
        }

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

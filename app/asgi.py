"""The ASGI entry point for uvicorn: `uvicorn app.asgi:app`.

uvicorn configures only its own loggers; without this the app's records (a masked "Unexpected
error." and its traceback among them) would reach stderr only through Python's last-resort
handler: no time, level or logger, and nothing below WARNING. The API logs as the worker does."""

from app.config import get_settings
from app.logging_setup import configure_logging
from app.web import create_app

configure_logging()
app = create_app(settings=get_settings())

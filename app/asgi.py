"""The ASGI entry point for uvicorn: `uvicorn app.asgi:app`."""

from app.config import get_settings
from app.web import create_app

app = create_app(settings=get_settings())

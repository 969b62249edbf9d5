from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from starlette.responses import Response

from app.accounts.models import Account
from app.config import Settings
from app.connections.choices import ChoiceCache
from app.connectors.base import SourceContext
from app.graphql.loaders import Loaders
from app.security import SettingsCipher
from app.sync.schedule import SyncQueue

if TYPE_CHECKING:
    from app.sync.progress_hub import ProgressHub


@dataclass
class Context:
    """Per request: the authenticated account, its loaders, and the process's shared services."""

    account: Account
    settings: Settings
    cipher: SettingsCipher
    source: SourceContext
    queue: SyncQueue | None
    choices: ChoiceCache = field(default_factory=ChoiceCache)  # the process's, shared by requests
    progress: ProgressHub | None = None  # where `syncProgress` subscribers wait; None without Redis
    response: Response | None = None  # the HTTP response's headers and cookies; None on a WebSocket

    @cached_property
    def loaders(self) -> Loaders:
        """Built when a resolver first needs one: its dozen DataLoaders cost 0.05 to 0.09 ms a
        request, and `me`, `services` or `contact(email:)` with its lists and tags use none."""
        return Loaders(self.account, self.settings)

"""The utility back end the actions talk to; ``get_backend`` is the only way to obtain one."""
from __future__ import annotations

import functools

from actions.backend.base import BackendUnavailable, UtilityBackend
from mot.settings import Settings

__all__ = ["BackendUnavailable", "UtilityBackend", "get_backend"]


@functools.lru_cache(maxsize=4)
def get_backend(settings: Settings) -> UtilityBackend:
    """The back end chosen by ``settings.backend`` (one instance per settings)."""
    if settings.backend == "demo":
        from actions.backend.demo import DemoBackend

        return DemoBackend(settings.database_url, settings.timezone)
    raise ValueError(
        f"XSD_BACKEND={settings.backend!r} is not available; this release ships the 'demo' back end"
    )

"""The settings `connectService` takes, checked against the service's spec before the service is
called (so a refused setting costs no request and writes nothing).

What a service accepts, and nothing else:
- the keys of its `Service.settings` (`ServiceDescription.settings`): each required one present
  and not blank, each value text. Blank optional values count as not given. Every problem is
  reported at once, one `UserError` per key (`field: ["settings", key]`): all the missing keys,
  all the unknown ones, all the values that are not text.
- on an OAuth 2.0 service, besides those:
  * `connectionId`: the connection a new consent renews (the reconnect button);
  * a token set, `access_token` + `refresh_token` + `expires_at` (epoch seconds), all three
    together. It is what a consent returns, accepted as is for clients that run the consent
    themselves (scripts, migrations, tests). The other members of a token endpoint's answer
    (RFC 6749 §5.1: `token_type`, `expires_in`, `scope`, and OpenID's `id_token`) may come
    with it, so that answer can be passed on as it is; they are not stored.
  Neither is in `Service.settings`: that list is what a person types into the connect form, and
  neither is typed by a person (the page shows "Connect {service}" for the consent instead).
  Shape is checked here; the tokens themselves by the service, in the connector's `connect`.

How a value must look beyond being text (a URL's scheme, a shop's domain) is the connector's
`connect` to say: it does so before any request, with the same `field`.
"""

from __future__ import annotations

from typing import Any

from app.connectors.base import AuthKind, ServiceDescription, SettingSpec
from app.errors import Invalid, InvalidInputs

RECONNECT_KEY = "connectionId"
TOKEN_SET_KEYS = ("access_token", "refresh_token", "expires_at")
TOKEN_ANSWER_EXTRAS = ("token_type", "expires_in", "scope", "id_token")


def checked_settings(description: ServiceDescription, settings: Any) -> dict[str, Any]:
    """`settings` with blank optional values left out; raises `InvalidInputs` (one part per
    offending key) or `Invalid` when `settings` is not a JSON object."""
    if not isinstance(settings, dict):
        raise Invalid("Settings must be a JSON object, like {\"url\": \"https://...\"}.", ["settings"])
    problems = _unknown(description, settings) + _token_set_problems(description, settings)
    clean = {key: value for key, value in settings.items()
             if _reserved(description, key) and key not in TOKEN_ANSWER_EXTRAS}
    for spec in description.settings:
        problem, value = _check(spec, settings.get(spec.key))
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            clean[spec.key] = value
    if problems:
        raise InvalidInputs(problems)
    return clean


def _reserved(description: ServiceDescription, key: str) -> bool:
    return description.auth is AuthKind.OAUTH2 and (key == RECONNECT_KEY or key in TOKEN_SET_KEYS or (
        key in TOKEN_ANSWER_EXTRAS))


def _unknown(description: ServiceDescription, settings: dict[str, Any]) -> list[Invalid]:
    known = {spec.key for spec in description.settings}
    accepted = ", ".join(sorted(known)) or "none (it connects through its sign-in page)"
    return [Invalid(f"{description.name} has no setting {key!r}; its settings are: {accepted}.", ["settings", str(key)])
            for key in settings if key not in known and not _reserved(description, str(key))]


def _check(spec: SettingSpec, value: object) -> tuple[Invalid | None, str | None]:
    """The problem with one value, or the value to keep (None: not given)."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    if blank:
        missing = Invalid(f"Enter the {spec.label}.", ["settings", spec.key])
        return (missing if spec.required else None), None
    if not isinstance(value, str):
        return Invalid(f"The {spec.label} must be text.", ["settings", spec.key]), None
    return None, value


def _token_set_problems(description: ServiceDescription, settings: dict[str, Any]) -> list[Invalid]:
    if description.auth is not AuthKind.OAUTH2 or not any(key in settings for key in TOKEN_SET_KEYS):
        return []
    problems = []
    for key in TOKEN_SET_KEYS:
        value = settings.get(key)
        if key == "expires_at":
            wrong = isinstance(value, bool) or not isinstance(value, (int, float))
            message = "A token set needs expires_at, in epoch seconds."
        else:
            wrong = not isinstance(value, str) or not value.strip()
            message = f"A token set needs {key}, as text (or connect through the sign-in page instead)."
        if wrong:
            problems.append(Invalid(message, ["settings", key]))
    return problems

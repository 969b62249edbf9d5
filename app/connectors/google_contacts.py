"""The Google Contacts connector: the People API's `people.connections.list`, OAuth 2.0.

What a fetch does, and what it guarantees:
- A first retrieval lists every contact with `requestSyncToken=true` and `pageSize=PAGE_SIZE`,
  following `nextPageToken`. Google gives the `nextSyncToken` only on the last page; it becomes
  the cursor then, and later syncs ask only for what changed since (`syncToken`, paged the same
  way). With a page or sync token "all other request parameters must match the first call" (the
  People API's discovery document): every call of a listing, and of the incremental listings
  that descend from it, sends the same `personFields`, `requestSyncToken` and `pageSize` (the
  page size is saved in the cursor, so a later change of `PAGE_SIZE` cannot break a chain).
- The cursor is `{"page_token", "sync_token", "listed", "page_size", "taken"}` during a listing
  and `{"sync_token", "page_size"}` once it is done. `page_token` asks for the API page being
  read (none: the listing's first page) and `taken` holds `[resourceName, etag]` of the people
  of that page already consumed: when the budget ends mid-page, the next sync asks for the same
  page again and skips exactly those, so nothing is lost and nothing repeats (a person edited
  since, whose etag changed, is read again, as it should be). A sync killed after any committed
  page resumes there. An edit made while a long backlog drains is covered by the sync token the
  listing ends with (the simulator issues it as of the listing's first page). A cursor saved
  before the page size was kept (no `page_size`) starts a full retrieval again.
- A sync token older than 7 days is refused (400 `EXPIRED_SYNC_TOKEN`, status
  FAILED_PRECONDITION): `CursorExpired`, and the engine starts a full retrieval again. Contacts
  are upserted by email, so nothing is duplicated.
- People deleted at the source come back in an incremental listing as `metadata.deleted`: they
  are skipped. Nothing is ever deleted here, and a deleted person is never imported.
- The `label` criterion keeps only the members of one contact group (by resource name
  `contactGroups/abc` or by its name, resolved with `contactGroups.list` on each fetch). Google
  cannot filter connections by group, so the filtering is ours; an API page may then give fewer
  records than asked, and a fetch reads up to `CALLS_PER_FETCH` API pages to fill its budget.
- Access tokens are refreshed ahead of expiry by the shared `oauth` helper (saved before use);
  a 401 all the same (a token revoked early) forces one refresh and one retry, then is
  `NeedsReauth`, like a refused refresh (`invalid_grant`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.connectors import oauth
from app.connectors.base import (
    AuthKind,
    Choice,
    ConnectedAccount,
    CriterionSpec,
    FetchRequest,
    Page,
    ServiceDescription,
    SettingsSaver,
    SourceContext,
    SourceRecord,
)
from app.connectors.google_contacts_cursor import API_PAGE_MAX, ListingCursor
from app.connectors.google_contacts_mapping import FIXED_FIELDS, group_names, is_deleted, person_to_record
from app.connectors.http import (
    ACCEPTED,
    ErrorAction,
    SourceResponse,
    Verdict,
    redact_url,
    request_with_retries,
)
from app.errors import Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable
from app.text import quoted

SERVICE_ID = "google_contacts"
SERVICE_NAME = "Google Contacts"
PEOPLE, PEOPLE_DEFAULT = "google_people", "https://people.googleapis.com"
OAUTH, OAUTH_DEFAULT = "google_oauth", "https://oauth2.googleapis.com"
ACCOUNTS, ACCOUNTS_DEFAULT = "google_accounts", "https://accounts.google.com/o/oauth2/v2/auth"
SCOPE = "https://www.googleapis.com/auth/contacts.readonly"
CALLS_PER_FETCH = 10  # API pages one fetch may read looking for members of the label
CONNECTIONS = "/v1/people/me/connections"
GROUP_PAGES_MAX = 10
GROUP_RESOURCE = re.compile(r"contactGroups/[A-Za-z0-9_-]{1,100}")
LABEL_MAX_LENGTH = 200
# System groups a user may want to import by; the others (all, blocked, chatBuddies) are not labels.
SYSTEM_LABELS = ("myContacts", "starred", "friends", "family", "coworkers")

# 400/401/403/410 say in their body what went wrong (an expired sync token, a quota, a missing
# scope): `classify_people_answer` reads them; a 401 first earns one forced refresh.
RATE_LIMIT_REASONS = {"RATE_LIMIT_EXCEEDED", "rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}
SCOPE_REASONS = {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"}

DESCRIPTION = ServiceDescription(
    id=SERVICE_ID,
    name=SERVICE_NAME,
    auth=AuthKind.OAUTH2,
    criteria=(
        CriterionSpec("label", "Only contacts with the label", "string",
                      help="A label of your Google Contacts, by name (Clients) or resource name "
                           "(contactGroups/abc). Leave empty to import every contact."),
    ),
    fields=FIXED_FIELDS,
)


def normalise_criteria(criteria: object) -> dict[str, str]:
    """`{}` or `{"label": <name or contactGroups/id>}`; raises `Invalid` on the offending key."""
    if not criteria:
        return {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object, like {\"label\": \"Clients\"}.", ["criteria"])
    for key in criteria:
        if key != "label":
            raise Invalid(f"Unknown criterion {quoted(key)}: this service takes 'label'.", ["criteria", str(key)])
    label = criteria.get("label")
    if label is None:
        return {}
    if not isinstance(label, str):
        raise Invalid("The label must be text.", ["criteria", "label"])
    label = label.strip()
    if not label:
        return {}
    if len(label) > LABEL_MAX_LENGTH:
        raise Invalid(f"A label is at most {LABEL_MAX_LENGTH} characters.", ["criteria", "label"])
    if label.startswith("contactGroups/") and not GROUP_RESOURCE.fullmatch(label):
        raise Invalid("A label's resource name looks like contactGroups/abc123.", ["criteria", "label"])
    return {"label": label}


def oauth_endpoints(context: SourceContext) -> oauth.OAuthEndpoints:
    # offline + consent: Google issues a refresh token only then (and again on every consent).
    return oauth.OAuthEndpoints(
        authorize_url=context.endpoint(ACCOUNTS, ACCOUNTS_DEFAULT),
        token_url=context.endpoint(OAUTH, OAUTH_DEFAULT) + "/token",
        scopes=(SCOPE,),
        extra_authorize_params={"access_type": "offline", "prompt": "consent"},
    )


class PeopleSession:
    """Authenticated calls to the People API for one fetch (or one connect)."""

    def __init__(self, request: FetchRequest) -> None:
        self.request = request
        self.context = request.context
        self.base = self.context.endpoint(PEOPLE, PEOPLE_DEFAULT)

    async def get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        response = await self._send(path, params, await self._token(), may_refresh=True)
        if response.status_code == 401:  # revoked or expired earlier than it said: refresh once
            self.request.settings["expires_at"] = 0
            response = await self._send(path, params, await self._token(), may_refresh=False)
        body = response.json()
        if not isinstance(body, dict):
            raise SourceUnavailable(f"Google answered {redact_url(self.base + path)} with something that is not "
                                    "an object.")
        return body

    async def _token(self) -> str:
        try:
            client = oauth.oauth_client(self.context, SERVICE_ID, SERVICE_NAME)
        except Invalid as exc:
            raise SourceRejected(exc.message) from None
        return await oauth.fresh_access_token(self.request, oauth_endpoints(self.context), client)

    async def _send(self, path: str, params: Mapping[str, str], token: str, *, may_refresh: bool) -> SourceResponse:
        sent_sync_token = "syncToken" in params

        def classify(response: SourceResponse) -> Verdict | None:
            if response.status_code == 401 and may_refresh:
                return ACCEPTED  # handed back for the forced refresh
            return classify_people_answer(response, path, sent_sync_token=sent_sync_token)

        return await request_with_retries(self.context, "GET", self.base + path, params=dict(params),
                                          classify=classify,
                                          headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})


def classify_people_answer(response: SourceResponse, path: str, *, sent_sync_token: bool) -> Verdict | None:
    """Google's rows for a 400/401/403/410, read from its error body `{"error": {"code",
    "message", "status", "details": [{"reason"}]}}`; None leaves any other status to the table."""
    if response.status_code not in (400, 401, 403, 410):
        return None
    status, reasons, message = _google_error(response)
    where = f"HTTP {response.status_code} from {path}"
    if response.status_code in (400, 410) and sent_sync_token and (
            "EXPIRED_SYNC_TOKEN" in reasons or status == "FAILED_PRECONDITION" or response.status_code == 410):
        return Verdict(ErrorAction.RESET_CURSOR, f"Google's sync token expired ({where}); a full retrieval "
                       "starts again.")
    if status == "RESOURCE_EXHAUSTED" or reasons & RATE_LIMIT_REASONS:
        return Verdict(ErrorAction.RATE_LIMITED, f"Rate limited by Google ({where}).")
    if response.status_code == 401:
        return Verdict(ErrorAction.REAUTH, f"Google refused the access token even after a refresh ({where}); "
                       "reconnect the account.")
    if response.status_code == 403 and (reasons & SCOPE_REASONS or status in ("PERMISSION_DENIED", "UNAUTHENTICATED")):
        if "SERVICE_DISABLED" in reasons:
            return Verdict(ErrorAction.REJECT, f"The People API is not enabled for this server's Google project "
                           f"({where}).")
        return Verdict(ErrorAction.REAUTH, f"Google refused access to the contacts ({where}); reconnect the account "
                       "and allow reading contacts.")
    return Verdict(ErrorAction.REJECT, f"Google refused the request ({where}{': ' + message if message else ''}).")


def _google_error(response: SourceResponse) -> tuple[str, set[str], str]:
    try:
        body = response.json()
    except SourceUnavailable:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", set(), ""
    # `details[].reason` (google.rpc.ErrorInfo), or `errors[].reason` in older Google APIs
    entries = [e for key in ("details", "errors") if isinstance(error.get(key), list) for e in error[key]]
    reasons = {e["reason"] for e in entries if isinstance(e, dict) and isinstance(e.get("reason"), str)}
    message = error.get("message")
    return str(error.get("status") or ""), reasons, message[:200] if isinstance(message, str) else ""


async def contact_groups(session: PeopleSession) -> list[dict[str, Any]]:
    """The account's contact groups (`contactGroups.list`), at most `GROUP_PAGES_MAX` pages."""
    groups: list[dict[str, Any]] = []
    page_token: str | None = None
    for _ in range(GROUP_PAGES_MAX):
        params = {"pageSize": str(API_PAGE_MAX), **({"pageToken": page_token} if page_token else {})}
        body = await session.get("/v1/contactGroups", params)
        groups += [g for g in body.get("contactGroups") or [] if isinstance(g, dict) and g.get("resourceName")]
        page_token = body.get("nextPageToken") or None
        if not page_token:
            break
    return groups


async def label_group(session: PeopleSession, label: str | None) -> str | None:
    """The resource name of the label, looked up by name (or formatted name) when not given."""
    if not label or GROUP_RESOURCE.fullmatch(label):
        return label or None
    for group in await contact_groups(session):
        names = {str(group.get(key) or "").strip().casefold() for key in ("name", "formattedName")}
        if label.casefold() in names:
            return str(group["resourceName"])
    raise SourceRejected(f"There is no label named {quoted(label)} in this Google account; check the import's "
                         "criteria.")


def label_choices(groups: list[dict[str, Any]]) -> list[Choice]:
    """The user's own labels (by name), then the system groups worth filtering on; the value is
    the resource name, which the `label` criterion takes as it is."""
    def choice(group: dict[str, Any]) -> Choice:
        return Choice(str(group["resourceName"]), str(group.get("formattedName") or group.get("name") or ""))

    own = sorted((choice(g) for g in groups if g.get("groupType") == "USER_CONTACT_GROUP"),
                 key=lambda c: c.label.casefold())
    system = [choice(g) for g in groups if g.get("groupType") != "USER_CONTACT_GROUP"
              and str(g["resourceName"]).removeprefix("contactGroups/") in SYSTEM_LABELS]
    return [c for c in own + system if GROUP_RESOURCE.fullmatch(c.value)]


class _NoFingerprints:
    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        return set()

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        return set()


class GoogleContactsConnector(oauth.OAuthConsent):
    """Imports a Google account's contacts; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    service_id, service_name = SERVICE_ID, SERVICE_NAME

    def oauth_endpoints(self, context: SourceContext) -> oauth.OAuthEndpoints:
        return oauth_endpoints(context)

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """Checks a token set (`access_token`, `refresh_token`, `expires_at`) by reading the
        account's email, which names the external account. Refreshes the token if it is about to
        expire, and stores the token set as it then is."""
        tokens = _token_set(settings)
        request = FetchRequest(settings=tokens, criteria={}, cursor={}, limit=0, fingerprints=_NoFingerprints(),
                               context=context)
        try:
            me = await PeopleSession(request).get("/v1/people/me", {"personFields": "emailAddresses"})
        except NeedsReauth as exc:
            raise Invalid(f"Google refused the authorization: {exc}", ["settings", "access_token"]) from None
        except SourceError as exc:
            raise Invalid(f"Google Contacts could not be checked: {exc}", ["settings"]) from None
        email = person_to_record(me).email
        account = email.lower() if email else str(me.get("resourceName") or "")
        if not account:
            raise Invalid("Google did not say which account this is.", ["settings"])
        return ConnectedAccount(external_account=account, settings=_token_set(request.settings))

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`label`: the account's labels (`contactGroups.list`)."""
        if key != "label":
            return []
        request = FetchRequest(settings=dict(settings), criteria={}, cursor={}, limit=0,
                               fingerprints=_NoFingerprints(), context=context, save_settings=save_settings)
        return label_choices(await contact_groups(PeopleSession(request)))

    async def revoke_credentials(self, settings: dict[str, Any], context: SourceContext) -> None:
        """Revokes the grant at Google (`POST /revoke` with the refresh token, which ends its
        access tokens too). A token Google no longer knows (400) counts as revoked."""
        token = settings.get("refresh_token") or settings.get("access_token")
        if not isinstance(token, str) or not token:
            return
        url = context.endpoint(OAUTH, OAUTH_DEFAULT) + "/revoke"
        await oauth.revoke_token(context, "POST", url, SERVICE_NAME, already_gone=(400,), data={"token": token})

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `limit` records from the saved position; see the module docstring."""
        criteria = request.stored_criteria(normalise_criteria)
        cursor = ListingCursor.load(request.cursor)
        if request.limit <= 0:
            return Page(records=[], cursor=cursor.to_json(), has_more=True)
        session = PeopleSession(request)
        group = await label_group(session, criteria.get("label"))
        records: list[SourceRecord] = []
        total: int | None = None
        for _ in range(CALLS_PER_FETCH):
            body = await session.get(CONNECTIONS, cursor.params())
            people = [p for p in body.get("connections") or [] if isinstance(p, dict)]
            unread = cursor.unread(people)
            consumed, wanted = _consume(unread, request.limit - len(records), group)
            records += [person_to_record(p) for p in wanted]
            total = body.get("totalItems") if isinstance(body.get("totalItems"), int) else None
            if len(consumed) < len(unread):
                cursor = cursor.partway(consumed)  # the budget ended inside this page
                break
            cursor = cursor.after(body, len(people))
            if not cursor.in_listing or len(records) >= request.limit:
                break
        read = cursor.listed + len(cursor.taken)
        estimate = max(total - read, 0) if cursor.in_listing and total is not None else None
        return Page(records=records, cursor=cursor.to_json(), has_more=cursor.in_listing,
                    backlog_estimate=estimate if cursor.in_listing else 0)


def _consume(people: Sequence[Mapping[str, Any]], room: int,
             group: str | None) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The people read in order until `room` of them are wanted (those not wanted are consumed
    as they are passed), and the wanted ones among them."""
    consumed: list[Mapping[str, Any]] = []
    wanted: list[Mapping[str, Any]] = []
    for person in people:
        if len(wanted) >= room:
            break
        consumed.append(person)
        if _wanted(person, group):
            wanted.append(person)
    return consumed, wanted


def _wanted(person: Mapping[str, Any], group: str | None) -> bool:
    return not is_deleted(person) and bool(person.get("resourceName")) and (
        group is None or group in group_names(person))


def _token_set(settings: object) -> dict[str, Any]:
    """The token set checked for shape; raises `Invalid` on the offending setting."""
    if not isinstance(settings, dict):
        raise Invalid("Settings must be a JSON object.", ["settings"])
    for key in ("access_token", "refresh_token"):
        if not isinstance(settings.get(key), str) or not settings[key].strip():
            raise Invalid("Connect Google Contacts through Google's consent page (the token set is incomplete).",
                          ["settings", key])
    expires_at = settings.get("expires_at")
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        raise Invalid("The token set has no expiry time (epoch seconds).", ["settings", "expires_at"])
    return {"access_token": settings["access_token"], "refresh_token": settings["refresh_token"],
            "expires_at": int(expires_at)}

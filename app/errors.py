"""The few exception types of the service; the type says how a caller handles it."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure the API reports as a `UserError` with `code`."""

    code = "INVALID"

    def __init__(self, message: str, field: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def parts(self) -> list[DomainError]:
        """The failures this error reports, one `UserError` each."""
        return [self]


class NotFound(DomainError):
    code = "NOT_FOUND"


class Invalid(DomainError):
    code = "INVALID"


class Conflict(DomainError):
    code = "CONFLICT"


class InvalidInputs(Invalid):
    """Several inputs refused at once (every missing setting, say): one `UserError` each."""

    def __init__(self, problems: list[Invalid]) -> None:
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems

    def parts(self) -> list[DomainError]:
        return list(self.problems)


class ServiceUnreachable(DomainError):
    """The external service failed to answer a read the API does for a user (its choices): a
    GraphQL error whose message says so, never masked."""

    code = "SERVICE_UNAVAILABLE"


class SourceError(Exception):
    """A failure of an external source while syncing. Subclasses say what to do about it."""


class NeedsReauth(SourceError):
    """Credentials were refused: stop retrying until the user reconnects."""


class RateLimited(SourceError):
    """The source asked us to slow down: save the cursor and come back after `retry_after` s."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceUnavailable(SourceError):
    """A transient failure (5xx, timeout, broken body) that outlived the bounded retries."""


class SourceRejected(SourceError):
    """The source answered, but with something we cannot use (bad file, missing column)."""


class CursorExpired(SourceError):
    """The saved cursor is no longer accepted: the import needs a full retrieval again."""


class SourceFailed(DomainError):
    """A source could not be read for a request made now (a preview): reported, not retried."""

    code = "SOURCE_ERROR"


class SourceRateLimitedNow(SourceFailed):
    """The source asked us to wait before reading it again."""

    code = "RATE_LIMITED"


class SourceNeedsReauth(SourceFailed):
    """The source refused the connection's credentials: the user must reconnect."""

    code = "NEEDS_REAUTH"

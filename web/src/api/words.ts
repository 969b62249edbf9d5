/** The API's enum values in a marketer's words. Keyed by string so a value the schema adds later
 * still shows as words (its own, title-cased) rather than breaking the page. */

export interface StatusWords {
  label: string;
  color: string;
  explanation: string;
}

const AUTO_IMPORT_STATUS: Record<string, StatusWords> = {
  ACTIVE: { label: "Active", color: "green", explanation: "Checks for new and updated contacts on schedule." },
  SYNCING: { label: "Syncing now", color: "blue", explanation: "A sync is running now." },
  BACKLOG: { label: "Catching up", color: "cyan", explanation: "More contacts are waiting at the source; each sync brings the next batch." },
  LIMIT_REACHED: { label: "Contact limit reached", color: "orange", explanation: "Your plan's contact limit is reached: existing contacts are still updated, new ones wait until the limit is raised." },
  PAUSED: { label: "Paused", color: "gray", explanation: "Nothing is imported until you resume it." },
  NEEDS_REAUTH: { label: "Needs reconnecting", color: "red", explanation: "The service no longer accepts our access: reconnect the account." },
  FAILING: { label: "Failing", color: "red", explanation: "The last sync failed. The import tries again by itself, waiting longer after each failure." },
  DISABLED: { label: "Stopped after repeated failures", color: "red", explanation: "Too many syncs in a row failed, so the import stopped itself. Fix the cause and resume it." },
};

const SYNC_OUTCOME: Record<string, string> = {
  RUNNING: "Running",
  COMPLETED: "Completed",
  PARTIAL: "Partly done, more to come",
  FAILED: "Failed",
  RATE_LIMITED: "Rate limited",
};

const SERVICE_AUTH: Record<string, string> = {
  NONE: "No sign-in needed",
  API_KEY: "Connects with an API token",
  OAUTH2: "Connects by signing in to the service",
};

const CONTACT_STATUS: Record<string, string> = {
  ACTIVE: "Subscribed",
  UNSUBSCRIBED: "Unsubscribed",
  BOUNCED: "Bounced",
};

const CONNECTION_STATUS: Record<string, string> = {
  ACTIVE: "Connected",
  NEEDS_REAUTH: "Needs reconnecting",
};

const PREVIEW_VERDICT: Record<string, string> = {
  WOULD_ADD: "Would be added",
  WOULD_UPDATE: "Would be updated",
  KEPT_UNSUBSCRIBED: "Updated, stays unsubscribed",
  NOT_ADDED_CONTACT_LIMIT: "Not added: contact limit",
  MISSING_EMAIL: "Skipped: no email",
  INVALID_EMAIL: "Skipped: invalid email",
  MALFORMED: "Skipped: unreadable record",
};

/** "NEEDS_REAUTH" → "Needs reauth": the fallback for a value without words of its own. */
export function titleCase(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function autoImportStatusWords(status: string): StatusWords {
  return AUTO_IMPORT_STATUS[status] ?? { label: titleCase(status), color: "gray", explanation: "" };
}

export const syncOutcomeWords = (outcome: string): string => SYNC_OUTCOME[outcome] ?? titleCase(outcome);
export const serviceAuthWords = (auth: string): string => SERVICE_AUTH[auth] ?? titleCase(auth);
export const contactStatusWords = (status: string): string => CONTACT_STATUS[status] ?? titleCase(status);
export const connectionStatusWords = (status: string): string => CONNECTION_STATUS[status] ?? titleCase(status);
export const previewVerdictWords = (verdict: string): string => PREVIEW_VERDICT[verdict] ?? titleCase(verdict);

/** A rate-limited sync in words: the service asked us to wait, which is not a failure. With the
 * time the import resumes when it is known (the import's next sync, for its latest sync). */
export function rateLimitedWords(resumesAt: string | null | undefined): string {
  const at = dateTimeWords(resumesAt, "");
  return at ? `Rate limited: resumes at ${at}` : "Rate limited: resumed on a later sync";
}

/** An external account as a marketer reads it. A CSV feed read from this machine (`file:` plus
 * its path, development only) reads as the file's name on the server; anything else (an email,
 * a shop, a feed's address) is already readable. */
export function externalAccountWords(account: string): string {
  if (!account.startsWith("file:")) return account;
  const path = account.slice("file:".length);
  const name = path.split("/").filter(Boolean).pop() ?? path;
  return `${name} (a file on the server)`;
}

/** "1 auto-import", "3 auto-imports" (the UI contract's text). */
export function importCountWords(count: number): string {
  return `${count} auto-import${count === 1 ? "" : "s"}`;
}

// What "Next sync" says of an import that does not simply sync at its time.
const NEXT_SYNC_BY_STATUS: Record<string, string> = {
  SYNCING: "after the one running now",
  PAUSED: "none while paused",
  DISABLED: "none until you resume it",
  NEEDS_REAUTH: "none until the account is reconnected",
};

// The scheduler starts a due import within a minute: one due for longer is waiting on something.
const OVERDUE_AFTER_MS = 5 * 60_000;

/** When an import syncs next, lower-case (for "Next sync: …"): none while it cannot sync, "due
 * now" once its time has come, "due since <date-time>" when it has waited for longer than the
 * scheduler takes (no worker running, say), else the date-time. */
export function nextSyncWords(status: string, nextSyncAt: string | null | undefined, now: Date = new Date()): string {
  const byStatus = NEXT_SYNC_BY_STATUS[status];
  if (byStatus) return byStatus;
  const at = nextSyncAt ? new Date(nextSyncAt) : null;
  if (!at || Number.isNaN(at.getTime())) return "not scheduled";
  if (at > now) return dateTimeWords(nextSyncAt);
  return now.getTime() - at.getTime() > OVERDUE_AFTER_MS ? `due since ${dateTimeWords(nextSyncAt)}` : "due now";
}

/** "due now" → "Due now": words that stand on their own, in a table cell. */
export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A date-time in the reader's locale (to the minute, or to the second when `precise`), or the
 * fallback when absent. */
export function dateTimeWords(value: string | null | undefined, fallback = "—", precise = false): string {
  if (!value) return fallback;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? fallback
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: precise ? "medium" : "short" });
}

/** The figures an import's page shows for a sync, computed once so the chart, the history table
 * and the live progress all say the same thing. */

export interface CountsOfSync {
  fetched?: number;
  added: number;
  updated: number;
  skippedMissingEmail: number;
  skippedInvalidEmail: number;
  skippedMalformed: number;
  notAddedContactLimit?: number;
}

/** Records a sync left out because they could not become contacts (no email, an invalid one,
 * unreadable). Contacts waiting for room under the contact limit are not skipped: they arrive
 * once the limit is raised. */
export function skippedCount(counts: CountsOfSync): number {
  return counts.skippedMissingEmail + counts.skippedInvalidEmail + counts.skippedMalformed;
}

export interface SyncBar {
  sync: string;
  Added: number;
  Updated: number;
  Skipped: number;
}

/** Each start time in words, to the minute; to the second for all of them when two would read the
 * same (syncs a minute apart are common: "Sync now" twice, a retry), so that no two bars or rows
 * of the history carry the same date. */
export function startedWords(startedAts: string[], words: (at: string, precise: boolean) => string): Map<string, string> {
  const short = startedAts.map((at) => words(at, false));
  const precise = new Set(short).size < short.length;
  return new Map(startedAts.map((at, index) => [at, precise ? words(at, true) : short[index]]));
}

/** Outcomes that leave a sync with no bar worth its name, said under its date instead. */
const UNFINISHED: Record<string, string> = { FAILED: "failed", RATE_LIMITED: "rate limited" };

/** The chart's bars, oldest sync first (the API lists syncs newest first). A sync that failed or
 * was rate limited says so under its date: it usually has nothing to draw. */
export function syncBars(syncs: { startedAt: string; outcome?: string; counts: CountsOfSync }[],
  label: (startedAt: string) => string): SyncBar[] {
  return [...syncs].reverse().map((sync) => ({
    sync: label(sync.startedAt) + (sync.outcome && UNFINISHED[sync.outcome] ? ` (${UNFINISHED[sync.outcome]})` : ""),
    Added: sync.counts.added,
    Updated: sync.counts.updated,
    Skipped: skippedCount(sync.counts),
  }));
}

/** How far a running sync is, 0-100, when the source says how many records still wait; null
 * when it cannot tell. */
export function progressPercent(fetched: number, backlogEstimate: number | null | undefined): number | null {
  if (backlogEstimate == null) return null;
  const total = fetched + backlogEstimate;
  return total === 0 ? 100 : Math.round((fetched / total) * 100);
}

/** "1,234 read so far: 1,000 added, 200 updated, 34 skipped; about 5,000 still waiting." Of a
 * sync that has `ended`, "1,234 read: …" (nothing more is coming from it). Of a sync that has just
 * begun, what it waits for. */
export function progressWords(counts: CountsOfSync & { fetched: number }, backlogEstimate: number | null | undefined,
  ended = false): string {
  if (!ended && counts.fetched === 0) return "Started: waiting for the first contacts from the source.";
  const figures = `${counts.fetched.toLocaleString()} read${ended ? "" : " so far"}: ${counts.added.toLocaleString()} added, ` +
    `${counts.updated.toLocaleString()} updated, ${skippedCount(counts).toLocaleString()} skipped`;
  const waiting = counts.notAddedContactLimit ? `, ${counts.notAddedContactLimit.toLocaleString()} waiting for room under the contact limit` : "";
  const backlog = backlogEstimate ? `; about ${backlogEstimate.toLocaleString()} still waiting at the source` : "";
  return `${figures}${waiting}${backlog}.`;
}

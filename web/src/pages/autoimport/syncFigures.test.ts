import { describe, expect, it } from "vitest";
import { progressPercent, progressWords, skippedCount, startedWords, syncBars } from "./syncFigures";

const counts = { fetched: 120, added: 100, updated: 15, skippedMissingEmail: 2, skippedInvalidEmail: 2, skippedMalformed: 1, notAddedContactLimit: 0 };

describe("sync figures", () => {
  it("counts as skipped what cannot become a contact, not what waits for the limit", () => {
    expect(skippedCount({ ...counts, notAddedContactLimit: 40 })).toBe(5);
  });

  it("draws the oldest sync first", () => {
    const syncs = [{ startedAt: "new", counts }, { startedAt: "old", counts: { ...counts, added: 7 } }];
    expect(syncBars(syncs, (at) => at)).toEqual([
      { sync: "old", Added: 7, Updated: 15, Skipped: 5 },
      { sync: "new", Added: 100, Updated: 15, Skipped: 5 },
    ]);
  });

  it("says under its date that a sync failed or was rate limited", () => {
    const syncs = [{ startedAt: "c", outcome: "RATE_LIMITED", counts }, { startedAt: "b", outcome: "FAILED", counts },
      { startedAt: "a", outcome: "COMPLETED", counts }];
    expect(syncBars(syncs, (at) => at).map((bar) => bar.sync)).toEqual(["a", "b (failed)", "c (rate limited)"]);
  });

  it("dates syncs to the second only when two would read the same", () => {
    const words = (at: string, precise: boolean) => (precise ? at : at.slice(0, 16));
    expect([...startedWords(["2026-12-04T10:01:05", "2026-12-04T10:02:00"], words).values()])
      .toEqual(["2026-12-04T10:01", "2026-12-04T10:02"]);
    expect([...startedWords(["2026-12-04T10:01:05", "2026-12-04T10:01:40", "2026-12-04T09:00:00"], words).values()])
      .toEqual(["2026-12-04T10:01:05", "2026-12-04T10:01:40", "2026-12-04T09:00:00"]);
  });

  it("gives a percentage only when the source says what is left", () => {
    expect(progressPercent(120, null)).toBeNull();
    expect(progressPercent(100, 300)).toBe(25);
    expect(progressPercent(0, 0)).toBe(100);
  });

  it("says the counts in words", () => {
    expect(progressWords(counts, 380)).toBe("120 read so far: 100 added, 15 updated, 5 skipped; about 380 still waiting at the source.");
    expect(progressWords(counts, null, true)).toBe("120 read: 100 added, 15 updated, 5 skipped.");
    expect(progressWords({ ...counts, notAddedContactLimit: 3 }, 0))
      .toBe("120 read so far: 100 added, 15 updated, 5 skipped, 3 waiting for room under the contact limit.");
    const none = { ...counts, fetched: 0, added: 0, updated: 0, skippedMissingEmail: 0, skippedInvalidEmail: 0, skippedMalformed: 0 };
    expect(progressWords(none, null)).toBe("Started: waiting for the first contacts from the source.");
    expect(progressWords(none, null, true)).toBe("0 read: 0 added, 0 updated, 0 skipped.");
  });
});

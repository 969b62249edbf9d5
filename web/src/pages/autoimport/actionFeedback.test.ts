import { describe, expect, it } from "vitest";
import { feedbackFor, feedbackStillTrue } from "./actionFeedback";

describe("feedbackFor", () => {
  it("says the action is done when the API reports no problem", () => {
    expect(feedbackFor({ userErrors: [] }, "Sync started.")).toEqual({ tone: "done", message: "Sync started." });
  });

  it("gives the API's user errors in its own words, before any transport error", () => {
    const outcome = { error: { message: "[Network] offline" }, userErrors: [{ message: "The import is paused." }, { message: "Resume it first." }] };
    expect(feedbackFor(outcome, "Sync started.")).toEqual({ tone: "problem", message: "The import is paused. Resume it first." });
  });

  it("gives the transport's error when there is no payload", () => {
    expect(feedbackFor({ error: { message: "[Network] offline" }, userErrors: [] }, "Sync started."))
      .toEqual({ tone: "problem", message: "[Network] offline" });
  });
});

describe("feedbackStillTrue", () => {
  const started = { tone: "done", message: "Sync started." } as const;

  it("shows 'Sync started' until the page learns that a sync ended after it was said", () => {
    const said = { feedback: started, untilASyncEndsAfter: { lastSyncAt: "2026-01-01T10:00:00Z" } };
    expect(feedbackStillTrue(said, "2026-01-01T10:00:00Z")).toEqual(started);
    expect(feedbackStillTrue(said, "2026-01-01T10:05:00Z")).toBeNull();
  });

  it("counts a first sync of an import that had none as a sync that ended", () => {
    const said = { feedback: started, untilASyncEndsAfter: { lastSyncAt: null } };
    expect(feedbackStillTrue(said, null)).toEqual(started);
    expect(feedbackStillTrue(said, "2026-01-01T10:05:00Z")).toBeNull();
  });

  it("keeps other outcomes whatever the syncs do", () => {
    const paused = { tone: "done", message: "Import paused." } as const;
    expect(feedbackStillTrue({ feedback: paused }, "2026-01-01T10:05:00Z")).toEqual(paused);
    expect(feedbackStillTrue(null, null)).toBeNull();
  });
});

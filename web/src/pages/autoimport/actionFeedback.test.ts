import { describe, expect, it } from "vitest";
import { feedbackFor } from "./actionFeedback";

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

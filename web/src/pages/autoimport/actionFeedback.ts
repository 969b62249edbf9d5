/** What the import's page says after one of its actions (Sync now, Pause, Resume, Save changes),
 * beside the buttons where the marketer acted: a floating notification would cover the status
 * and the history chart they want to watch next. */
export interface ActionFeedback {
  tone: "done" | "problem";
  message: string;
}

/** A mutation's result as the page sees it: the transport's error and the payload's user errors. */
export interface MutationOutcome {
  error?: { message: string };
  userErrors: { message: string }[];
}

/** The user errors (or, without any, the transport's error) in the API's words as a problem;
 * else `done`. */
export function feedbackFor({ error, userErrors }: MutationOutcome, done: string): ActionFeedback {
  const problem = userErrors.map((e) => e.message).join(" ") || error?.message;
  return problem ? { tone: "problem", message: problem } : { tone: "done", message: done };
}

/** An outcome as the page said it. `untilASyncEndsAfter` holds the import's `lastSyncAt` when
 * "Sync started" was said: once a later sync has ended, "started" is no longer true (the Status
 * region then says how the sync ended), so it is no longer shown. */
export interface SaidFeedback {
  feedback: ActionFeedback;
  untilASyncEndsAfter?: { lastSyncAt: unknown };
}

/** What to show beside the buttons now, given the import's `lastSyncAt` as the page knows it. */
export function feedbackStillTrue(said: SaidFeedback | null, lastSyncAt: unknown): ActionFeedback | null {
  if (!said) return null;
  const since = said.untilASyncEndsAfter;
  return since && since.lastSyncAt !== lastSyncAt ? null : said.feedback;
}

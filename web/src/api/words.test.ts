import { describe, expect, it } from "vitest";
import { autoImportStatusWords, capitalized, dateTimeWords, externalAccountWords, importCountWords, nextSyncWords, previewVerdictWords, rateLimitedWords, syncOutcomeWords, titleCase } from "./words";

describe("status words", () => {
  it("says a contact limit that blocks additions, not Active", () => {
    expect(autoImportStatusWords("LIMIT_REACHED").label).toBe("Contact limit reached");
    expect(autoImportStatusWords("ACTIVE").label).toBe("Active");
  });
  it("falls back to the value's own words for a value added later", () => {
    expect(autoImportStatusWords("SOMETHING_NEW").label).toBe("Something new");
    expect(titleCase("NEEDS_REAUTH")).toBe("Needs reauth");
  });
  it("words preview verdicts", () => {
    expect(previewVerdictWords("WOULD_ADD")).toBe("Would be added");
    expect(previewVerdictWords("INVALID_EMAIL")).toBe("Skipped: invalid email");
  });
  it("counts auto-imports in the contract's words", () => {
    expect(importCountWords(0)).toBe("0 auto-imports");
    expect(importCountWords(1)).toBe("1 auto-import");
    expect(importCountWords(3)).toBe("3 auto-imports");
  });
  it("says a rate-limited sync is rate limited and when it resumes, never that it failed", () => {
    expect(syncOutcomeWords("RATE_LIMITED")).toBe("Rate limited");
    expect(rateLimitedWords("2026-12-02T18:30:00Z")).toMatch(/^Rate limited: resumes at .*2026/);
    expect(rateLimitedWords(null)).not.toMatch(/fail/i);
  });
  it("reads a development file feed by its file name, other accounts as they are", () => {
    expect(externalAccountWords("file:/work/demo/contacts.csv")).toBe("contacts.csv (a file on the server)");
    expect(externalAccountWords("sheets.example.com/export.csv?gid=1")).toBe("sheets.example.com/export.csv?gid=1");
    expect(externalAccountWords("demo.owner@example.com")).toBe("demo.owner@example.com");
  });
  it("says a next sync whose time has come is due now, since when if it has waited long, and none where the import cannot sync", () => {
    const now = new Date("2026-12-06T21:40:00Z");
    expect(nextSyncWords("ACTIVE", "2026-12-06T21:40:00Z", now)).toBe("due now");
    expect(nextSyncWords("FAILING", "2026-12-06T21:35:00Z", now)).toBe("due now");
    expect(nextSyncWords("FAILING", "2026-12-06T21:10:00Z", now)).toBe(`due since ${dateTimeWords("2026-12-06T21:10:00Z")}`);
    expect(nextSyncWords("ACTIVE", "2026-12-06T21:34:59Z", now)).toMatch(/^due since .*2026/);
    expect(nextSyncWords("ACTIVE", "2026-12-06T22:10:00Z", now)).toMatch(/2026/);
    expect(nextSyncWords("PAUSED", "2026-12-06T22:10:00Z", now)).toBe("none while paused");
    expect(nextSyncWords("DISABLED", "2026-12-06T21:10:00Z", now)).toBe("none until you resume it");
    expect(nextSyncWords("NEEDS_REAUTH", "2026-12-06T21:10:00Z", now)).toBe("none until the account is reconnected");
    expect(nextSyncWords("SYNCING", "2026-12-06T21:10:00Z", now)).toBe("after the one running now");
    expect(nextSyncWords("ACTIVE", null, now)).toBe("not scheduled");
    expect(capitalized(nextSyncWords("ACTIVE", "2026-12-06T21:40:00Z", now))).toBe("Due now");
  });
});

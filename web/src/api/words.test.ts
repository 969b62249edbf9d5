import { describe, expect, it } from "vitest";
import { autoImportStatusWords, externalAccountWords, importCountWords, previewVerdictWords, rateLimitedWords, syncOutcomeWords, titleCase } from "./words";

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
});

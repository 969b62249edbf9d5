import { describe, expect, it } from "vitest";
import { autoImportStatusWords, importCountWords, previewVerdictWords, syncOutcomeWords, titleCase } from "./words";

describe("status words", () => {
  it("says a contact limit that blocks additions, not Active", () => {
    expect(autoImportStatusWords("LIMIT_REACHED").label).toBe("Contact limit reached");
    expect(autoImportStatusWords("ACTIVE").label).toBe("Active");
  });
  it("falls back to the value's own words for a value added later", () => {
    expect(autoImportStatusWords("SOMETHING_NEW").label).toBe("Something new");
    expect(syncOutcomeWords("RATE_LIMITED")).toContain("rate limit");
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
});

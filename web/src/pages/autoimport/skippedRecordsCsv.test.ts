import { describe, expect, it } from "vitest";
import { csvCell, skippedRecordCount, skippedRecordsCsv, skippedRecordsFileName } from "./skippedRecordsCsv";

describe("skippedRecordsCsv", () => {
  const problems = [
    { message: "2 records have no email.", samples: [{ externalId: "row-3", email: null, reason: "no email" }] },
    { message: "1 record has an invalid email.", samples: [{ externalId: "row-9", email: "ann@@example", reason: 'not an "email"' }] },
    { message: "The contact limit is reached.", samples: [] },
  ];

  it("writes a header and one row per sample, every cell quoted", () => {
    expect(skippedRecordsCsv(problems)).toBe(
      '"Problem","Record at the service","Email as received","Reason"\r\n' +
      '"2 records have no email.","row-3","","no email"\r\n' +
      '"1 record has an invalid email.","row-9","ann@@example","not an ""email"""\r\n',
    );
  });

  it("says the reason in the words it is given", () => {
    const csv = skippedRecordsCsv([{ message: "m", samples: [{ externalId: "7", email: "", reason: "MISSING_EMAIL" }] }],
      (reason) => (reason === "MISSING_EMAIL" ? "Skipped: no email" : reason));
    expect(csv.split("\r\n")[1]).toBe('"m","7","","Skipped: no email"');
  });

  it("counts the records it holds", () => {
    expect(skippedRecordCount(problems)).toBe(2);
  });

  it("keeps a spreadsheet from running a cell as a formula", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+1 555")).toBe('"\'+1 555"');
    expect(csvCell("ann@example.com")).toBe('"ann@example.com"');
  });

  it("names the file after the import", () => {
    expect(skippedRecordsFileName("Newsletter sign-ups (Shopify)")).toBe("skipped-records-newsletter-sign-ups-shopify.csv");
    expect(skippedRecordsFileName("***")).toBe("skipped-records.csv");
  });
});

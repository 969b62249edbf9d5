/** The records an import currently skips, as a CSV file the user can open in a spreadsheet and
 * fix at the source. Built in the browser from what the API returned (`Problem.samples`): no
 * request of its own, so it holds exactly what the page shows. */

export interface SkippedSample {
  externalId: string;
  email?: string | null;
  reason: string;
}

export interface ProblemWithSamples {
  message: string;
  samples: SkippedSample[];
}

const HEADER = ["Problem", "Record at the service", "Email as received", "Reason"];

/** A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an
 * apostrophe; every cell is quoted, with quotes doubled. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One row per sample of every problem, under a header, the reason (a code such as
 * MISSING_EMAIL) in `reasonWords`; CRLF line ends (RFC 4180). */
export function skippedRecordsCsv(problems: ProblemWithSamples[], reasonWords: (reason: string) => string = (r) => r): string {
  const rows = problems.flatMap((problem) =>
    problem.samples.map((sample) => [problem.message, sample.externalId, sample.email ?? "", reasonWords(sample.reason)]));
  return [HEADER, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** How many records the download holds. */
export function skippedRecordCount(problems: ProblemWithSamples[]): number {
  return problems.reduce((total, problem) => total + problem.samples.length, 0);
}

/** "skipped-records-newsletter-signups.csv": the import's name as a safe file name. */
export function skippedRecordsFileName(importName: string): string {
  const slug = importName.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `skipped-records${slug ? `-${slug}` : ""}.csv`;
}

/** Hands the CSV to the browser as a download. */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

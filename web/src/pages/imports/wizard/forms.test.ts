import { describe, expect, it } from "vitest";
import { criterionFields, initialValues, settingFields, toJson, validate } from "./forms";

const FEED = [{ key: "url", label: "Feed URL", type: "URL", required: true, help: "A published CSV" }];
const SHOPIFY = [
  { key: "shop", label: "Shop domain", type: "TEXT", required: true, help: "" },
  { key: "access_token", label: "Admin API access token", type: "SECRET", required: true, help: "" },
];
const CRITERIA = [
  { key: "subscribed_only", label: "Only customers who accept email marketing", type: "boolean", required: false, help: "", choices: [] },
  { key: "tag", label: "Only customers tagged", type: "string", required: false, help: "", choices: [] },
  { key: "lifecycle_stage", label: "Lifecycle stage", type: "choice", required: false, help: "", choices: ["lead", "customer"] },
];

describe("settings form", () => {
  it("shows a SECRET as a password and a URL as a URL field, labelled by the spec", () => {
    const fields = settingFields([...FEED, ...SHOPIFY]);
    expect(fields.map((f) => [f.label, f.kind])).toEqual([
      ["Feed URL", "url"], ["Shop domain", "text"], ["Admin API access token", "password"]]);
  });
  it("refuses missing required values and addresses that are not web addresses", () => {
    const fields = settingFields(FEED);
    expect(validate(fields, { url: "  " })).toEqual({ url: "Enter the Feed URL." });
    expect(validate(fields, { url: "not a url" }).url).toContain("web address");
    expect(validate(fields, { url: "file:///etc/passwd" }).url).toContain("web address");
    expect(validate(fields, { url: "https://example.com/feed.csv" })).toEqual({});
  });
  it("sends trimmed values and leaves empty optional ones out", () => {
    const fields = settingFields([...SHOPIFY, { key: "note", label: "Note", type: "TEXT", required: false, help: "" }]);
    expect(toJson(fields, { shop: " demo ", access_token: "shpat_x", note: "" })).toEqual({ shop: "demo", access_token: "shpat_x" });
  });
});

describe("criteria form", () => {
  it("makes a boolean a checkbox and a criterion with choices a select", () => {
    const fields = criterionFields(CRITERIA);
    expect(fields.map((f) => f.kind)).toEqual(["checkbox", "text", "select"]);
    expect(fields[2].choices).toEqual([{ value: "lead", label: "lead" }, { value: "customer", label: "customer" }]);
  });
  it("prefers the connected account's own choices, by their labels", () => {
    const fields = criterionFields(CRITERIA, { tag: [{ value: "vip", label: "VIP customers" }] });
    expect(fields[1]).toMatchObject({ kind: "select", choices: [{ value: "vip", label: "VIP customers" }] });
    expect(validate(fields, { tag: "unknown" }).tag).toContain("Pick one");
    expect(validate(fields, { tag: "vip" })).toEqual({});
  });
  it("starts from an import's criteria when editing and sends booleans as booleans", () => {
    const fields = criterionFields(CRITERIA);
    const values = initialValues(fields, { subscribed_only: true, tag: "vip" });
    expect(values).toEqual({ subscribed_only: true, tag: "vip", lifecycle_stage: "" });
    expect(toJson(fields, values)).toEqual({ subscribed_only: true, tag: "vip" });
    expect(toJson(fields, { ...values, subscribed_only: false })).toEqual({ tag: "vip" });
  });
  it("requires a required criterion", () => {
    const fields = criterionFields([{ ...CRITERIA[1], required: true }]);
    expect(validate(fields, { tag: "" })).toEqual({ tag: "Enter the Only customers tagged." });
  });
});

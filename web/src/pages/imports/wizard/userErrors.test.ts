import { describe, expect, it } from "vitest";
import { placeUserErrors } from "./userErrors";

describe("placing the API's errors", () => {
  it("puts a criterion's error at its field, in the API's words", () => {
    const placed = placeUserErrors([{ field: ["criteria", "tag"], code: "INVALID", message: "No such tag." }], "criteria", ["tag"]);
    expect(placed).toEqual({ fields: { tag: "No such tag." }, step: [] });
  });
  it("puts top-level inputs' errors at them and keeps every other error for the step", () => {
    const placed = placeUserErrors([
      { field: ["name"], code: "INVALID", message: "The name is too long." },
      { field: ["settings", "nope"], code: "INVALID", message: "No setting nope." },
      { field: null, code: "SOURCE_ERROR", message: "The shop could not be reached." },
    ], "settings", ["url"], ["name"]);
    expect(placed.fields).toEqual({ name: "The name is too long." });
    expect(placed.step).toEqual(["No setting nope.", "The shop could not be reached."]);
  });
});

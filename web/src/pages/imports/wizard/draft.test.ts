import { describe, expect, it } from "vitest";
import { consentReturn, saveDraft, takeDraft } from "./draft";
import { MemoryStorage } from "../../../testing/memoryStorage";

describe("the wizard's draft across an OAuth consent", () => {
  it("comes back once, for the same service", () => {
    const storage = new MemoryStorage();
    const draft = { serviceId: "google_contacts", criteria: { label: "Clients" }, listIds: ["3"], tags: ["vip"], name: "Clients" };
    saveDraft(draft, storage);
    expect(takeDraft("google_contacts", storage)).toEqual(draft);
    expect(takeDraft("google_contacts", storage)).toBeNull();
  });
  it("is not used for another service", () => {
    const storage = new MemoryStorage();
    saveDraft({ serviceId: "hubspot", criteria: {}, listIds: [], tags: [], name: "" }, storage);
    expect(takeDraft("google_contacts", storage)).toBeNull();
  });
  it("reads the callback's return address", () => {
    expect(consentReturn("?service=hubspot&connected=7")).toEqual({ serviceId: "hubspot", connectedId: "7", error: null });
    expect(consentReturn("?service=hubspot&connectError=Denied")).toEqual({ serviceId: "hubspot", connectedId: null, error: "Denied" });
    expect(consentReturn("")).toBeNull();
  });
});

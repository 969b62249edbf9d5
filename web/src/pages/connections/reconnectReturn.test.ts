import { beforeEach, describe, expect, it } from "vitest";
import { RECONNECT_STORAGE_KEY, saveReconnect, takeReconnectReturn } from "./reconnectReturn";
import { MemoryStorage } from "../../testing/memoryStorage";

describe("takeReconnectReturn", () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
    saveReconnect({ serviceId: "google_contacts", serviceName: "Google Contacts", connectionId: "4" }, storage);
  });

  it("claims the consent's return for the Connections page, once", () => {
    expect(takeReconnectReturn("?service=google_contacts&connected=4", storage))
      .toEqual({ ok: true, message: "Google Contacts is connected again: its imports sync on schedule." });
    expect(takeReconnectReturn("?service=google_contacts&connected=4", storage)).toBeNull();
  });

  it("says why the service did not reconnect", () => {
    expect(takeReconnectReturn("?service=google_contacts&connectError=You+did+not+allow+access.", storage))
      .toEqual({ ok: false, message: "You did not allow access." });
  });

  it("leaves a plain visit, and another service's return, to the Import page", () => {
    expect(takeReconnectReturn("", storage)).toBeNull();
    expect(storage.getItem(RECONNECT_STORAGE_KEY)).not.toBeNull();
    expect(takeReconnectReturn("?service=hubspot&connected=9", storage)).toBeNull();
  });
});

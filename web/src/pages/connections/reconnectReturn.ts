/** Reconnecting an OAuth connection leaves for the service's consent page; its callback sends the
 * browser back to `/import?service=..&connected=..` (or `&connectError=..`), the wizard's return
 * address. A marker saved before leaving says that this return belongs to the Connections page. */

export const RECONNECT_STORAGE_KEY = "autoimport.reconnect";

export interface ReconnectMarker { serviceId: string; serviceName: string; connectionId: string }

export function saveReconnect(marker: ReconnectMarker, storage: Storage = sessionStorage): void {
  storage.setItem(RECONNECT_STORAGE_KEY, JSON.stringify(marker));
}

/** What the Connections page says on return. */
export interface ReconnectNotice { ok: boolean; message: string }

/** The notice for a return from a reconnect's consent, or null when `search` is not one (the
 * marker is then left alone, or dropped when it names another service). Used once. */
export function takeReconnectReturn(search: string, storage: Storage = sessionStorage): ReconnectNotice | null {
  const params = new URLSearchParams(search);
  const serviceId = params.get("service");
  const raw = storage.getItem(RECONNECT_STORAGE_KEY);
  if (!serviceId || !raw) return null;
  storage.removeItem(RECONNECT_STORAGE_KEY);
  let marker: Partial<ReconnectMarker>;
  try {
    marker = JSON.parse(raw) as Partial<ReconnectMarker>;
  } catch {
    return null;
  }
  if (marker.serviceId !== serviceId) return null;
  const error = params.get("connectError");
  if (error) return { ok: false, message: error };
  return { ok: true, message: `${marker.serviceName ?? "The service"} is connected again: its imports sync on schedule.` };
}

/** The wizard's draft, kept in sessionStorage while the browser is at an OAuth consent page, so
 * that coming back (`/import?service=..&connected=..`) reopens the wizard with nothing lost. */

export interface WizardDraft {
  serviceId: string;
  criteria: Record<string, string | boolean>;
  listIds: string[];
  tags: string[];
  name: string;
}

export const DRAFT_STORAGE_KEY = "autoimport.wizardDraft";

export function saveDraft(draft: WizardDraft, storage: Storage = sessionStorage): void {
  storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(draft));
}

/** The saved draft for `serviceId`, taken out of storage (it is used once), or null. */
export function takeDraft(serviceId: string, storage: Storage = sessionStorage): WizardDraft | null {
  const raw = storage.getItem(DRAFT_STORAGE_KEY);
  storage.removeItem(DRAFT_STORAGE_KEY);
  if (!raw) return null;
  try {
    const draft = JSON.parse(raw) as Partial<WizardDraft>;
    if (draft.serviceId !== serviceId) return null;
    return { serviceId, criteria: draft.criteria ?? {}, listIds: draft.listIds ?? [], tags: draft.tags ?? [],
      name: draft.name ?? "" };
  } catch {
    return null;
  }
}

/** What the OAuth callback's return address says: the service, and the new connection or why not. */
export interface ConsentReturn { serviceId: string; connectedId: string | null; error: string | null }

export function consentReturn(search: string): ConsentReturn | null {
  const params = new URLSearchParams(search);
  const serviceId = params.get("service");
  if (!serviceId) return null;
  return { serviceId, connectedId: params.get("connected"), error: params.get("connectError") };
}

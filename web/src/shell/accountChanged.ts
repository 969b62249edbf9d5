import { useEffect } from "react";

const ACCOUNT_CHANGED = "autoimport:account-changed";

/** Says that the account's contacts may have changed (a sync ended): the header's
 * "N of M contacts" reads them again. */
export function announceAccountChanged(): void {
  window.dispatchEvent(new Event(ACCOUNT_CHANGED));
}

/** Runs `refetch` each time `announceAccountChanged` is called. */
export function useOnAccountChanged(refetch: () => void): void {
  useEffect(() => {
    window.addEventListener(ACCOUNT_CHANGED, refetch);
    return () => window.removeEventListener(ACCOUNT_CHANGED, refetch);
  }, [refetch]);
}

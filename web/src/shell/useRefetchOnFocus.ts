import { useEffect } from "react";

/** Runs `refetch` when the reader comes back to this tab or window (an import created in another
 * tab, or through the API, shows without a reload). Navigation needs nothing extra: a page's query
 * runs again, cache-and-network, each time the page opens. */
export function useRefetchOnFocus(refetch: () => void): void {
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible") refetch();
    };
    window.addEventListener("focus", refetch);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener("focus", refetch);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refetch]);
}

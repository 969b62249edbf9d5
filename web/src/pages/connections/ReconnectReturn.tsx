import type { ReactNode } from "react";
import { useState } from "react";
import { Navigate, useLocation } from "react-router";
import { takeReconnectReturn } from "./reconnectReturn";

/** Wraps the Import page's route: a return from a reconnect's OAuth consent goes on to the
 * Connections page with what happened; any other visit shows the page. */
export function ReconnectReturn({ children }: { children: ReactNode }) {
  const { search } = useLocation();
  const [notice] = useState(() => takeReconnectReturn(search));
  if (notice) return <Navigate to="/connections" replace state={{ reconnectNotice: notice }} />;
  return children;
}

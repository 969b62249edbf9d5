import { useCallback, useMemo, useState } from "react";
import { Navigate, Route, Routes } from "react-router";
import { Provider } from "urql";
import { createApiClient } from "./api/client";
import { SignIn } from "./auth/SignIn";
import { forgetToken, storeToken, storedToken, takeTokenFromAddressBar } from "./auth/session";
import { Shell } from "./shell/Shell";
import { AutoImportPage } from "./pages/autoimport/AutoImportPage";
import { ConnectionsPage } from "./pages/connections/ConnectionsPage";
import { ReconnectReturn } from "./pages/connections/ReconnectReturn";
import { ContactsPage } from "./pages/contacts/ContactsPage";
import { FieldsPage } from "./pages/fields/FieldsPage";
import { ImportPage } from "./pages/imports/ImportPage";

const REFUSED_TOKEN = "That API token was not accepted: it is wrong or has been revoked. Sign in with a current token.";

function initialToken(): string | null {
  return takeTokenFromAddressBar() ?? storedToken();
}

/** Signed out: the sign-in form. Signed in: the shell and the pages, on one GraphQL client per
 * token. A refused token (401 / UNAUTHENTICATED) signs out with a message, never a broken page. */
export function App() {
  const [token, setToken] = useState<string | null>(initialToken);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((message: string | null = null) => {
    forgetToken();
    setNotice(message);
    setToken(null);
  }, []);
  const signIn = useCallback((value: string) => {
    storeToken(value);
    setNotice(null);
    setToken(value.trim());
  }, []);
  const client = useMemo(() => (token ? createApiClient(token, () => signOut(REFUSED_TOKEN)) : null), [token, signOut]);

  if (!token || !client) return <SignIn onSignIn={signIn} notice={notice} />;
  return (
    <Provider value={client}>
      <Shell onSignOut={() => signOut(null)}>
        <Routes>
          <Route path="/" element={<Navigate to="/import" replace />} />
          <Route path="/import" element={<ReconnectReturn><ImportPage /></ReconnectReturn>} />
          <Route path="/imports/:id" element={<AutoImportPage />} />
          <Route path="/contacts" element={<ContactsPage />} />
          <Route path="/fields" element={<FieldsPage />} />
          <Route path="/connections" element={<ConnectionsPage />} />
          <Route path="*" element={<Navigate to="/import" replace />} />
        </Routes>
      </Shell>
    </Provider>
  );
}

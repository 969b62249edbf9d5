import "graphiql/style.css";
import "graphiql/setup-workers/vite";
import "./graphiql.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { storeToken, storedToken, takeTokenFromAddressBar } from "../auth/session";
import { EXAMPLE_QUERY } from "./exampleQuery";

/** GraphiQL built into the app (no CDN): the fetcher carries the signed-in token from
 * sessionStorage (the page's key), so the schema loads with it on the first visit. */
function Explorer({ token }: { token: string }) {
  const headers = { Authorization: `Bearer ${token}` };
  const [fetcher] = useState(() => createGraphiQLFetcher({ url: "/graphql", headers, subscriptionUrl: websocketUrl(),
    wsConnectionParams: headers }));
  return (
    <GraphiQL fetcher={fetcher} initialQuery={EXAMPLE_QUERY} defaultQuery={EXAMPLE_QUERY}
      initialHeaders={JSON.stringify(headers, null, 2)} shouldPersistHeaders={false} />
  );
}

function websocketUrl(): string {
  return `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/graphql`;
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) onToken(value.trim());
  };
  return (
    <main className="graphiql-sign-in">
      <h1>GraphiQL</h1>
      <p>Every operation needs your account's API token. Sign in here, or sign in to <a href="/">the app</a> in this tab first.</p>
      <form onSubmit={submit}>
        <label htmlFor="graphiql-token">API token</label>
        <input id="graphiql-token" value={value} onChange={(e) => setValue(e.currentTarget.value)} autoComplete="off" spellCheck={false} />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function GraphiQLApp() {
  const [token, setToken] = useState<string | null>(() => takeTokenFromAddressBar() ?? storedToken());
  if (!token) return <TokenForm onToken={(value) => { storeToken(value); setToken(value); }} />;
  return <Explorer token={token} />;
}

createRoot(document.getElementById("graphiql")!).render(<StrictMode><GraphiQLApp /></StrictMode>);

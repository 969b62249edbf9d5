/** The signed-in API token lives in sessionStorage under one key, shared with GraphiQL
 * (src/graphiql/), so a tab that signed in to the page is signed in to GraphiQL too. */
export const TOKEN_STORAGE_KEY = "autoimport.token";

export function storedToken(storage: Storage = sessionStorage): string | null {
  const token = storage.getItem(TOKEN_STORAGE_KEY);
  return token && token.trim() ? token.trim() : null;
}

export function storeToken(token: string, storage: Storage = sessionStorage): void {
  storage.setItem(TOKEN_STORAGE_KEY, token.trim());
}

export function forgetToken(storage: Storage = sessionStorage): void {
  storage.removeItem(TOKEN_STORAGE_KEY);
}

/** The token of a sign-in link `/#token=<token>`, or null. Other hash parameters are kept. */
export function tokenFromHash(hash: string): { token: string | null; rest: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  params.delete("token");
  const rest = params.toString();
  return { token: token && token.trim() ? token.trim() : null, rest: rest ? `#${rest}` : "" };
}

/** Takes a sign-in link's token into sessionStorage and removes it from the address bar (and
 * from history), so it is neither bookmarked nor sent anywhere. Returns the token taken, if any. */
export function takeTokenFromAddressBar(location: Location = window.location, history: History = window.history): string | null {
  const { token, rest } = tokenFromHash(location.hash);
  if (token === null) return null;
  storeToken(token);
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest}`);
  return token;
}

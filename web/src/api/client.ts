import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from "urql";
import { createClient as createWsClient } from "graphql-ws";

/** True when the API refused the token: HTTP 401 or a GraphQL error coded UNAUTHENTICATED. */
export function isUnauthenticated(error: CombinedError): boolean {
  const response = error.response as Response | undefined;
  if (response?.status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

function websocketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/graphql`;
}

/** The one GraphQL client of a signed-in session: `Authorization: Bearer` over HTTP, the token in
 * `connection_init` over graphql-transport-ws (a browser cannot set WebSocket headers). A refused
 * token calls `onUnauthenticated` (the app signs out with a message) instead of breaking a page. */
export function createApiClient(token: string, onUnauthenticated: () => void): Client {
  const ws = createWsClient({
    url: websocketUrl(),
    lazy: true,
    connectionParams: { Authorization: `Bearer ${token}` },
    on: { closed: (event) => { if ((event as CloseEvent).code === 4401 || (event as CloseEvent).code === 4403) onUnauthenticated(); } },
    retryAttempts: 5,
  });
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { Authorization: `Bearer ${token}` } }),
    exchanges: [
      mapExchange({ onError: (error) => { if (isUnauthenticated(error)) onUnauthenticated(); } }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
  });
}

import { Alert, Center, Loader } from "@mantine/core";
import type { CombinedError } from "urql";
import { isUnauthenticated } from "../api/client";

/** What a page shows before its data: a loader, or the error in plain words. A refused token
 * shows nothing here: the app signs out with its own message. */
export function QueryState({ fetching, error }: { fetching: boolean; error?: CombinedError }) {
  if (error && !isUnauthenticated(error)) {
    const message = error.networkError ? "The server could not be reached. Check your connection and try again."
      : error.graphQLErrors.map((e) => e.message).join(" ");
    return <Alert color="red" title="Could not load this page" role="alert">{message}</Alert>;
  }
  if (fetching || error) return <Center py="xl"><Loader aria-label="Loading" /></Center>;
  return null;
}

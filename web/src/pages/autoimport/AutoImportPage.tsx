import { externalAccountWords } from "../../api/words";
import { Anchor, Card, Stack, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useRef } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { AutoImportPageQuery } from "../../gql/graphql";
import { announceAccountChanged } from "../../shell/accountChanged";
import { QueryState } from "../../shell/QueryState";
import { ImportActions } from "./ImportActions";
import { StatusSection } from "./StatusSection";
import { SyncHistorySection } from "./SyncHistorySection";
import { TroubleshootingSection } from "./TroubleshootingSection";

const AutoImportPageDocument = graphql(`
  query AutoImportPage($id: ID!) {
    autoImport(id: $id) {
      id name status nextSyncAt lastSyncAt contactCount tags
      service { id name auth }
      connection { id name status }
      lists { id name }
      syncs(last: 20) {
        id startedAt finishedAt outcome error backlogEstimate
        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }
      }
      troubleshooting {
        healthy
        problems { code message action count samples { externalId email reason } }
      }
    }
  }
`);

export type AutoImportDetail = NonNullable<AutoImportPageQuery["autoImport"]>;

/** An import: its name and actions (Sync now, Pause/Resume, Edit, Delete), its status with the
 * live progress of a running sync, the contacts it brought, its sync history (chart and table)
 * and what to do when contacts don't arrive. */
export function AutoImportPage() {
  const { id = "" } = useParams();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: AutoImportPageDocument, variables: { id } });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useAnnounceSyncResults(data?.autoImport);
  if (!data) return <QueryState fetching={fetching} error={error} />;
  if (!data.autoImport) {
    return (
      <Stack>
        <Title order={1}>Import not found</Title>
        <Text>This import does not exist or was deleted. <Anchor component={Link} to="/import">Back to Import</Anchor></Text>
      </Stack>
    );
  }
  const item = data.autoImport;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{item.name}</Title>
        <Text c="gray.7">From {item.service.name}{item.connection ? ` · account ${externalAccountWords(item.connection.name)}` : ""}</Text>
      </div>
      <ImportActions key={item.id} item={item} />
      <StatusSection item={item} onSyncEnded={refetch} />
      <ImportedContacts item={item} />
      <TroubleshootingSection item={item} />
      <SyncHistorySection syncs={item.syncs} nextSyncAt={item.nextSyncAt} />
    </Stack>
  );
}

/** Where the import's contacts can be seen: the Contacts page filtered by its first list or
 * tag (the API filters contacts by list and tag, not by import). */
function contactsLink(item: AutoImportDetail): { to: string; words: string } {
  const list = item.lists[0];
  if (list) return { to: `/contacts?listId=${encodeURIComponent(list.id)}`, words: `See the contacts of the list “${list.name}”` };
  const tag = item.tags[0];
  if (tag) return { to: `/contacts?tag=${encodeURIComponent(tag)}`, words: `See the contacts tagged “${tag}”` };
  return { to: "/contacts", words: "See all contacts" };
}

function ImportedContacts({ item }: { item: AutoImportDetail }) {
  const link = contactsLink(item);
  const count = item.contactCount;
  return (
    <Card withBorder component="section" aria-labelledby="contacts-heading">
      <Title order={2} size="h4" id="contacts-heading" mb="xs">Contacts from this import</Title>
      <Text size="sm">
        {count === 0 ? "No contacts yet from this import." : `${count.toLocaleString()} contact${count === 1 ? "" : "s"} came from this import or were last updated by it.`}
      </Text>
      <Anchor component={Link} to={link.to} size="sm">{link.words}</Anchor>
    </Card>
  );
}

/** Tells the header to read the account's contact count again when the import shows a new sync or
 * a new count, whichever way the page learned it (the end of a sync it watched, or a reload after
 * "Sync now" when the sync had ended before the page's live progress was connected). */
function useAnnounceSyncResults(item: { lastSyncAt?: unknown; contactCount: number } | null | undefined): void {
  const seen = useRef<string | null>(null);
  const shown = item ? `${String(item.lastSyncAt)}:${item.contactCount}` : null;
  useEffect(() => {
    if (shown === null) return;
    if (seen.current !== null && seen.current !== shown) announceAccountChanged();
    seen.current = shown;
  }, [shown]);
}

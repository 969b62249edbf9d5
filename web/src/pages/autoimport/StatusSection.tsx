import { Alert, Badge, Card, Group, Progress, Stack, Text, Title } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useSubscription } from "urql";
import { graphql } from "../../gql";
import type { AutoImportSyncProgressSubscription } from "../../gql/graphql";
import { autoImportStatusWords, dateTimeWords, nextSyncWords, rateLimitedWords, syncOutcomeWords } from "../../api/words";
import type { AutoImportDetail } from "./AutoImportPage";
import { progressPercent, progressWords } from "./syncFigures";

const SyncProgressDocument = graphql(`
  subscription AutoImportSyncProgress($autoImportId: ID!) {
    syncProgress(autoImportId: $autoImportId) {
      autoImportId syncRunId outcome backlogEstimate at
      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }
    }
  }
`);

type ProgressEvent = AutoImportSyncProgressSubscription["syncProgress"];

/** The latest progress event of this import's syncs, from the moment the page opened. When a
 * sync's final event arrives `onSyncEnded` runs (the page reloads the import: status, history,
 * troubleshooting). */
function useLiveProgress(autoImportId: string, onSyncEnded: () => void): ProgressEvent | undefined {
  const [{ data }] = useSubscription({ query: SyncProgressDocument, variables: { autoImportId } });
  const latest = data?.syncProgress;
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (!latest || latest.outcome === "RUNNING") return;
    const key = `${latest.syncRunId}:${latest.outcome}`;
    if (handled.current === key) return;
    handled.current = key;
    onSyncEnded();
  }, [latest, onSyncEnded]);
  return latest;
}

/** Region "Status": the status in words with what it means, the last and next sync, and while a
 * sync runs, its counts as they arrive. */
export function StatusSection({ item, onSyncEnded }: { item: AutoImportDetail; onSyncEnded: () => void }) {
  const live = useLiveProgress(item.id, onSyncEnded);
  const running = live?.outcome === "RUNNING";
  const status = running ? autoImportStatusWords("SYNCING") : autoImportStatusWords(item.status);
  return (
    <Card withBorder component="section" aria-labelledby="status-heading">
      <Title order={2} size="h4" id="status-heading" mb="xs">Status</Title>
      <Group gap="sm"><Badge color={status.color} variant="dot" size="lg">{status.label}</Badge></Group>
      {status.explanation && <Text size="sm" mt="xs">{status.explanation}</Text>}
      <Text size="sm" mt="xs">Last sync: {dateTimeWords(item.lastSyncAt, "not yet")} · Next sync: {nextSyncWords(running ? "SYNCING" : item.status, item.nextSyncAt)}</Text>
      {running && live ? <LiveProgress event={live} /> : item.status === "SYNCING" && (
        <Text size="sm" mt="sm" c="gray.7">A sync is running; its counts appear here after its next page of contacts.</Text>
      )}
      {live && !running && (
        <Text size="sm" mt="sm" role="status">
          The last sync ended: {live.outcome === "RATE_LIMITED" ? rateLimitedWords(item.nextSyncAt).toLowerCase() : syncOutcomeWords(live.outcome).toLowerCase()}. {progressWords(live.counts, null, true)}
        </Text>
      )}
      {item.status === "DISABLED" && <Alert color="red" mt="sm">Resume the import once the cause is fixed.</Alert>}
    </Card>
  );
}

function LiveProgress({ event }: { event: ProgressEvent }) {
  const percent = progressPercent(event.counts.fetched, event.backlogEstimate);
  return (
    <Stack gap={6} mt="sm">
      <Text size="sm" fw={600}>Sync in progress</Text>
      <Progress value={percent ?? 100} animated striped={percent === null} aria-label="Sync progress"
        aria-valuetext={percent === null ? "in progress" : `${percent}%`} />
      <Text size="sm" role="status" aria-live="polite">{progressWords(event.counts, event.backlogEstimate)}</Text>
    </Stack>
  );
}

import { BarChart } from "@mantine/charts";
import { Card, Table, Text, Title } from "@mantine/core";
import { dateTimeWords, rateLimitedWords, syncOutcomeWords } from "../../api/words";
import type { AutoImportDetail } from "./AutoImportPage";
import { skippedCount, startedWords, syncBars } from "./syncFigures";

type Sync = AutoImportDetail["syncs"][number];

const SERIES = [
  { name: "Added", color: "teal.7" },
  { name: "Updated", color: "blue.7" },
  { name: "Skipped", color: "orange.7" },
];
// One stacked bar per sync, over its date: grouped bars put a sync's only non-zero figure (most
// often "Added") a third of a slot away from its date, as if it belonged between two syncs.
const CHART_TYPE = "stacked";
// Recharts sorts legend items alphabetically by default; keep the table's column order instead.
const LEGEND_PROPS = { itemSorter: (item: { dataKey?: unknown }) => SERIES.findIndex((series) => series.name === item.dataKey) };

/** Region "Sync history": a chart of added/updated/skipped per sync, and a table with one row
 * per sync (newest first): start, outcome in words, added, updated, skipped. `nextSyncAt` (the
 * import's) is when the newest sync resumes if the service rate-limited it. */
export function SyncHistorySection({ syncs, nextSyncAt }: { syncs: Sync[]; nextSyncAt: string | null | undefined }) {
  const started = startedWords(syncs.map((sync) => sync.startedAt), (at, precise) => dateTimeWords(at, "—", precise));
  const startedAt = (at: string) => started.get(at) ?? dateTimeWords(at);
  return (
    <Card withBorder component="section" aria-labelledby="history-heading">
      <Title order={2} size="h4" id="history-heading" mb="xs">Sync history</Title>
      {syncs.length === 0 ? <Text size="sm" c="gray.7">No syncs yet: the first one starts shortly after the import is created.</Text> : (
        <>
          <div role="img" aria-label="Chart of the contacts added, updated and skipped by each sync; the table below has the same figures.">
            <BarChart h={200} type={CHART_TYPE} data={syncBars(syncs, startedAt)} dataKey="sync" series={SERIES}
              maxBarWidth={56} withLegend legendProps={LEGEND_PROPS} tickLine="y" gridAxis="y" mb="md" />
          </div>
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr><Table.Th>Started</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Added</Table.Th><Table.Th>Updated</Table.Th><Table.Th>Skipped</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {syncs.map((sync, index) => (
                  <Table.Tr key={sync.id}>
                    <Table.Td>{startedAt(sync.startedAt)}</Table.Td>
                    <Table.Td>{outcomeWords(sync, index === 0 ? nextSyncAt : null)}</Table.Td>
                    <Table.Td>{sync.counts.added.toLocaleString()}</Table.Td>
                    <Table.Td>{sync.counts.updated.toLocaleString()}</Table.Td>
                    <Table.Td>{skippedCount(sync.counts).toLocaleString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Card>
  );
}

/** The outcome, and what a marketer needs beside it: the error, the contacts waiting for room
 * under the contact limit, the backlog left for the next syncs. A rate-limited sync says when it
 * resumes (`resumesAt`, known for the newest), not the service's technical reason: it did not fail. */
export function outcomeWords(sync: Sync, resumesAt: string | null | undefined): string {
  const rateLimited = sync.outcome === "RATE_LIMITED";
  const notes = [
    rateLimited ? null : sync.error,
    sync.counts.notAddedContactLimit ? `${sync.counts.notAddedContactLimit.toLocaleString()} waiting for room under the contact limit` : null,
    sync.outcome === "PARTIAL" && sync.backlogEstimate ? `about ${sync.backlogEstimate.toLocaleString()} left for the next syncs` : null,
  ].filter(Boolean);
  return [rateLimited ? rateLimitedWords(resumesAt) : syncOutcomeWords(sync.outcome), ...notes].join(" — ");
}

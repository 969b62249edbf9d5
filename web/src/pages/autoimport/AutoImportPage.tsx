import { Alert, Anchor, Badge, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { AutoImportPageQuery } from "../../gql/graphql";
import { autoImportStatusWords, dateTimeWords, syncOutcomeWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";

const AutoImportPageDocument = graphql(`
  query AutoImportPage($id: ID!) {
    autoImport(id: $id) {
      id name status nextSyncAt lastSyncAt
      service { id name }
      syncs(last: 20) {
        id startedAt finishedAt outcome error
        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed }
      }
    }
  }
`);

type AutoImportDetail = NonNullable<AutoImportPageQuery["autoImport"]>;

/** An import: its name, its status in words with the next sync, and its sync history. */
export function AutoImportPage() {
  const { id = "" } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: AutoImportPageDocument, variables: { id } });
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
        <Text c="gray.7">From {item.service.name}</Text>
      </div>
      <StatusCard item={item} />
      <SyncHistory syncs={item.syncs} />
    </Stack>
  );
}

function StatusCard({ item }: { item: AutoImportDetail }) {
  const status = autoImportStatusWords(item.status);
  return (
    <Card withBorder component="section" aria-labelledby="status-heading">
      <Title order={2} size="h4" id="status-heading" mb="xs">Status</Title>
      <Group gap="sm"><Badge color={status.color} variant="light" size="lg">{status.label}</Badge></Group>
      {status.explanation && <Text size="sm" mt="xs">{status.explanation}</Text>}
      <Text size="sm" mt="xs">Last sync: {dateTimeWords(item.lastSyncAt, "not yet")} · Next sync: {dateTimeWords(item.nextSyncAt, "not scheduled")}</Text>
      {item.status === "DISABLED" && <Alert color="red" mt="sm">Resume the import once the cause is fixed.</Alert>}
    </Card>
  );
}

function SyncHistory({ syncs }: { syncs: AutoImportDetail["syncs"] }) {
  return (
    <Card withBorder component="section" aria-labelledby="history-heading">
      <Title order={2} size="h4" id="history-heading" mb="xs">Sync history</Title>
      {syncs.length === 0 ? <Text size="sm" c="gray.7">No syncs yet: the first one starts shortly after the import is created.</Text> : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr><Table.Th>Started</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Added</Table.Th><Table.Th>Updated</Table.Th><Table.Th>Skipped</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {syncs.map((sync) => (
                <Table.Tr key={sync.id}>
                  <Table.Td>{dateTimeWords(sync.startedAt)}</Table.Td>
                  <Table.Td>{syncOutcomeWords(sync.outcome)}{sync.error ? ` — ${sync.error}` : ""}</Table.Td>
                  <Table.Td>{sync.counts.added}</Table.Td>
                  <Table.Td>{sync.counts.updated}</Table.Td>
                  <Table.Td>{sync.counts.skippedMissingEmail + sync.counts.skippedInvalidEmail + sync.counts.skippedMalformed}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

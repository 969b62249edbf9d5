import { Badge, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { connectionStatusWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";

const ConnectionsPageDocument = graphql(`
  query ConnectionsPage {
    connections { id name externalAccount status service { id name } autoImports { id } }
  }
`);

/** The connected external accounts: service, account, status. */
export function ConnectionsPage() {
  const [{ data, fetching, error }] = useQuery({ query: ConnectionsPageDocument });
  return (
    <Stack gap="lg">
      <Title order={1}>Connections</Title>
      {!data ? <QueryState fetching={fetching} error={error} /> : data.connections.length === 0 ? (
        <Text>No accounts connected yet: connect one when you set up an import.</Text>
      ) : (
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Service</Table.Th><Table.Th>Account</Table.Th><Table.Th>Status</Table.Th><Table.Th>Imports</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {data.connections.map((connection) => (
              <Table.Tr key={connection.id}>
                <Table.Td>{connection.service.name}</Table.Td>
                <Table.Td>{connection.externalAccount}</Table.Td>
                <Table.Td><Badge variant="light" color={connection.status === "ACTIVE" ? "green" : "red"}>{connectionStatusWords(connection.status)}</Badge></Table.Td>
                <Table.Td>{connection.autoImports.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

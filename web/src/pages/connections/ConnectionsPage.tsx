import { Alert, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { useLocation } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ConnectionsPageQuery } from "../../gql/graphql";
import { connectionStatusWords, externalAccountWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";
import { DisconnectDialog } from "./DisconnectDialog";
import { ReconnectDialog, useReconnectBySignIn } from "./ReconnectDialog";
import type { ReconnectNotice } from "./reconnectReturn";

const ConnectionsPageDocument = graphql(`
  query ConnectionsPage {
    connections {
      id name externalAccount status createdAt
      service { id name auth settings { key label type required help } }
      autoImports { id name }
    }
  }
`);

/** With no connection yet the answer names no type: a connection made in the wizard still refreshes this page. */
const CONNECTIONS_CONTEXT = { additionalTypenames: ["Connection"] };

export type ConnectionRow = ConnectionsPageQuery["connections"][number];
type Dialog = { kind: "reconnect" | "disconnect"; connection: ConnectionRow } | null;

/** The connected external accounts: service, account, status, the imports using each; Reconnect
 * (new credentials, or the service's sign-in again) and Disconnect (offering to delete the
 * imports that use it; contacts stay). */
export function ConnectionsPage() {
  const [{ data, fetching, error }] = useQuery({ query: ConnectionsPageDocument, context: CONNECTIONS_CONTEXT });
  const [dialog, setDialog] = useState<Dialog>(null);
  const notice = (useLocation().state as { reconnectNotice?: ReconnectNotice } | null)?.reconnectNotice;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Connections</Title>
        <Text c="gray.7">The accounts at other services your imports read from. Reconnect one the service stopped accepting.</Text>
      </div>
      {notice && <Alert color={notice.ok ? "green" : "red"} role="status">{notice.message}</Alert>}
      {!data ? <QueryState fetching={fetching} error={error} /> : data.connections.length === 0 ? (
        <Text>No accounts connected yet: connect one when you set up an import.</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr><Table.Th>Service</Table.Th><Table.Th>Account</Table.Th><Table.Th>Status</Table.Th><Table.Th>Used by</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.connections.map((connection) => (
                <Table.Tr key={connection.id}>
                  <Table.Td>{connection.service.name}</Table.Td>
                  <Table.Td title={connection.externalAccount}>{externalAccountWords(connection.externalAccount)}</Table.Td>
                  <Table.Td><Badge variant="dot" color={connection.status === "ACTIVE" ? "green" : "red"}>{connectionStatusWords(connection.status)}</Badge></Table.Td>
                  <Table.Td>{usedByWords(connection)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {connection.service.auth !== "NONE" && (
                        <ReconnectButton connection={connection} onOpenForm={() => setDialog({ kind: "reconnect", connection })} />
                      )}
                      <Button size="xs" variant="outline" color="red.9" onClick={() => setDialog({ kind: "disconnect", connection })}
                        aria-describedby={`connection-${connection.id}`}>Disconnect</Button>
                      <VisuallyHidden id={`connection-${connection.id}`}>{connection.service.name} {externalAccountWords(connection.externalAccount)}</VisuallyHidden>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {dialog?.kind === "reconnect" && <ReconnectDialog connection={dialog.connection} onClose={() => setDialog(null)} />}
      {dialog?.kind === "disconnect" && <DisconnectDialog connection={dialog.connection} onClose={() => setDialog(null)} />}
    </Stack>
  );
}

/** "Reconnect": an OAuth service's sign-in at once; an API-key service's settings form. */
function ReconnectButton({ connection, onOpenForm }: { connection: ConnectionRow; onOpenForm: () => void }) {
  const signIn = useReconnectBySignIn(connection);
  const oauth = connection.service.auth === "OAUTH2";
  return (
    <Button size="xs" variant={connection.status === "ACTIVE" ? "default" : "filled"} loading={signIn.fetching}
      onClick={oauth ? signIn.start : onOpenForm} aria-describedby={`connection-${connection.id}`}>Reconnect</Button>
  );
}

function usedByWords(connection: ConnectionRow): string {
  const names = connection.autoImports.map((item) => item.name);
  if (names.length === 0) return "No imports";
  return names.length <= 2 ? names.join(", ") : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}

import { externalAccountWords } from "../../api/words";
import { Alert, Button, Group, List, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import type { ConnectionRow } from "./ConnectionsPage";

const DeleteConnectionDocument = graphql(`
  mutation DeleteConnection($id: ID!, $deleteImports: Boolean) {
    deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { code message } }
  }
`);

/** Confirms a disconnect. While imports use the connection it says so and offers to delete them
 * too (the API refuses otherwise); the contacts stay either way. */
export function DisconnectDialog({ connection, onClose }: { connection: ConnectionRow; onClose: () => void }) {
  const [state, deleteConnection] = useMutation(DeleteConnectionDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const imports = connection.autoImports;
  const service = connection.service.name;

  const disconnect = async () => {
    const result = await deleteConnection({ id: connection.id, deleteImports: imports.length > 0 },
      { additionalTypenames: ["Connection", "AutoImport"] });
    const errors = result.data?.deleteConnection.userErrors ?? [];
    const message = errors.map((e) => e.message).join(" ") || result.error?.message;
    if (message) {
      setProblem(message);
      return;
    }
    notifications.show({ color: "green", message: `${service} account ${externalAccountWords(connection.externalAccount)} was disconnected. Your contacts stay.` });
    onClose();
  };

  return (
    <Modal opened onClose={onClose} title={`Disconnect ${service}`} centered size="lg">
      <Stack gap="md">
        <Text size="sm">
          We forget the access to {externalAccountWords(connection.externalAccount)}{connection.service.auth === "OAUTH2" ? ` and tell ${service} to revoke it` : ""}.
          The contacts already imported stay in your account.
        </Text>
        {imports.length > 0 && (
          <div>
            <Text size="sm" fw={600}>{imports.length === 1 ? "This import uses it and is deleted too:" : `These ${imports.length} imports use it and are deleted too:`}</Text>
            <List size="sm">{imports.map((item) => <List.Item key={item.id}>{item.name}</List.Item>)}</List>
          </div>
        )}
        {problem && <Alert color="red" role="alert">{problem}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" onClick={disconnect} loading={state.fetching}>
            {imports.length === 0 ? "Disconnect" : `Disconnect and delete ${imports.length === 1 ? "the import" : `${imports.length} imports`}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

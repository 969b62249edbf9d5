import { Button, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { QueryState } from "../../shell/QueryState";

const FieldsPageDocument = graphql(`
  query FieldsPage {
    customFields { id title perstag service { id name } }
  }
`);

/** The custom fields imports created, with their personalization tags to copy into messages. */
export function FieldsPage() {
  const [{ data, fetching, error }] = useQuery({ query: FieldsPageDocument });
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Fields</Title>
        <Text c="gray.7">Fields a service brings beyond email, name and phone. Put a personalization tag in a message to show the contact's value.</Text>
      </div>
      {!data ? <QueryState fetching={fetching} error={error} /> : data.customFields.length === 0 ? (
        <Text>No custom fields yet: they appear after an import brings its first contacts.</Text>
      ) : (
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Field</Table.Th><Table.Th>Personalization tag</Table.Th><Table.Th>Service</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {data.customFields.map((field) => (
              <Table.Tr key={field.id}>
                <Table.Td>{field.title}</Table.Td>
                <Table.Td><PersonalizationTag fieldId={field.id} perstag={field.perstag} /></Table.Td>
                <Table.Td>{field.service?.name ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** The tag and its "Copy" button: the button's name is "Copy" (the UI contract), its description
 * the tag it copies, so each one is told apart by a screen reader. The name stays "Copy" after
 * a click; the notification says what was copied. */
function PersonalizationTag({ fieldId, perstag }: { fieldId: string; perstag: string }) {
  const tagId = `perstag-${fieldId}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(perstag);
      notifications.show({ color: "green", message: `Copied ${perstag}: paste it into a message.` });
    } catch {
      notifications.show({ color: "red", title: "Could not copy", message: `Your browser did not allow copying. Select ${perstag} and copy it by hand.` });
    }
  };
  return (
    <>
      <Text component="code" ff="monospace" size="sm" mr="sm" id={tagId}>{perstag}</Text>
      <Button size="compact-xs" variant="default" onClick={copy} aria-describedby={tagId}>
        Copy
      </Button>
    </>
  );
}

import { Button, CopyButton, Stack, Table, Text, Title } from "@mantine/core";
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
                <Table.Td>
                  <Text component="code" ff="monospace" size="sm" mr="sm">{field.perstag}</Text>
                  <CopyButton value={field.perstag}>
                    {({ copied, copy }) => (
                      <Button size="compact-xs" variant="default" onClick={copy} aria-label="Copy" title={`Copy ${field.perstag}`}>
                        {copied ? "Copied" : "Copy"}
                      </Button>
                    )}
                  </CopyButton>
                </Table.Td>
                <Table.Td>{field.service?.name ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

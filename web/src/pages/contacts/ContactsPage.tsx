import { Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { contactStatusWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";

const ContactsPageDocument = graphql(`
  query ContactsPage($email: String) {
    contacts(first: 50, email: $email) {
      totalCount
      edges { node { id email firstName lastName status } }
    }
  }
`);

/** Contacts, filtered by email as you type. */
export function ContactsPage() {
  const [email, setEmail] = useState("");
  const [debounced] = useDebouncedValue(email.trim(), 250);
  const [{ data, fetching, error }] = useQuery({ query: ContactsPageDocument, variables: { email: debounced || null } });
  const rows = data?.contacts.edges ?? [];
  return (
    <Stack gap="lg">
      <Title order={1}>Contacts</Title>
      <TextInput label="Email" placeholder="Search by email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} maw={420} />
      {!data ? <QueryState fetching={fetching} error={error} /> : (
        <>
          <Text size="sm" c="gray.7">{data.contacts.totalCount.toLocaleString()} contact{data.contacts.totalCount === 1 ? "" : "s"}</Text>
          {rows.length === 0 ? <Text>No contacts match.</Text> : (
            <Table striped>
              <Table.Thead><Table.Tr><Table.Th>Email</Table.Th><Table.Th>Name</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {rows.map(({ node }) => (
                  <Table.Tr key={node.id}>
                    <Table.Td>{node.email}</Table.Td>
                    <Table.Td>{[node.firstName, node.lastName].filter(Boolean).join(" ") || "—"}</Table.Td>
                    <Table.Td>{contactStatusWords(node.status)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}

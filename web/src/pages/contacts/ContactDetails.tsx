import { Anchor, Badge, Drawer, Group, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { contactStatusWords, dateTimeWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";

const ContactDetailsDocument = graphql(`
  query ContactDetails($email: String!) {
    contact(email: $email) {
      id email firstName lastName phone status createdAt
      lists { id name }
      tags
      fieldValues { value field { id title perstag } }
      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }
    }
  }
`);

/** A contact's details in a drawer: name, phone, status, field values, lists, tags, and where it
 * came from (each import that brought or updated it, first and last seen). */
export function ContactDetails({ email, onClose }: { email: string | null; onClose: () => void }) {
  return (
    <Drawer opened={email !== null} onClose={onClose} position="right" size="lg" title={email ?? ""}>
      {email && <ContactDetailsBody email={email} />}
    </Drawer>
  );
}

function ContactDetailsBody({ email }: { email: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ContactDetailsDocument, variables: { email } });
  if (!data) return <QueryState fetching={fetching} error={error} />;
  const contact = data.contact;
  if (!contact) return <Text>This contact no longer exists.</Text>;
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
  return (
    <Stack gap="md">
      <div>
        <Text fw={600}>{name || "No name"}</Text>
        <Text size="sm">{contactStatusWords(contact.status)}{contact.phone ? ` · ${contact.phone}` : ""}</Text>
        <Text size="sm" c="gray.7">In your account since {dateTimeWords(contact.createdAt)}</Text>
      </div>
      <section aria-labelledby="contact-lists">
        <Title order={3} size="h5" id="contact-lists" mb={4}>Lists and tags</Title>
        {contact.lists.length + contact.tags.length === 0 ? <Text size="sm" c="gray.7">In no list, no tags.</Text> : (
          <Group gap={6}>
            {contact.lists.map((list) => <Badge key={list.id} variant="light">{list.name}</Badge>)}
            {contact.tags.map((tag) => <Badge key={tag} variant="outline" color="gray">{tag}</Badge>)}
          </Group>
        )}
      </section>
      <section aria-labelledby="contact-fields">
        <Title order={3} size="h5" id="contact-fields" mb={4}>Fields</Title>
        {contact.fieldValues.length === 0 ? <Text size="sm" c="gray.7">No other fields.</Text> : (
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Field</Table.Th><Table.Th>Value</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {contact.fieldValues.map(({ field, value }) => (
                <Table.Tr key={field.id}><Table.Td>{field.title}</Table.Td><Table.Td>{value}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
      <section aria-labelledby="contact-sources">
        <Title order={3} size="h5" id="contact-sources" mb={4}>Where it came from</Title>
        {contact.sources.length === 0 ? <Text size="sm" c="gray.7">Added directly, not by an import.</Text> : (
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Import</Table.Th><Table.Th>First seen</Table.Th><Table.Th>Last seen</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {contact.sources.map((source) => (
                <Table.Tr key={`${source.service.id}:${source.externalId}:${source.autoImport?.id ?? "deleted"}`}>
                  <Table.Td>
                    {source.autoImport
                      ? <Anchor component={Link} to={`/imports/${source.autoImport.id}`} size="sm">{source.autoImport.name}</Anchor>
                      : <Text span size="sm">A deleted import</Text>}
                    <Text size="xs" c="gray.7">{source.service.name}</Text>
                  </Table.Td>
                  <Table.Td>{dateTimeWords(source.firstSeenAt)}</Table.Td>
                  <Table.Td>{dateTimeWords(source.lastSeenAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
    </Stack>
  );
}

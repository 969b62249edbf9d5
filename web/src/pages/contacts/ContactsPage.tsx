import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { contactStatusWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";
import { ContactDetails } from "./ContactDetails";
import { useCursorPages } from "./useCursorPages";

const PAGE_SIZE = 50;

const ContactsPageDocument = graphql(`
  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {
    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id email firstName lastName status } }
    }
  }
`);

const ContactListsDocument = graphql(`
  query ContactLists {
    lists { id name contactCount }
  }
`);

/** Contacts: "Email" filters as you type (debounced), a list and a tag narrow it (also from the
 * address: `?listId=`, `?tag=`, as an import's page links), a page of 50 at a time; a contact's
 * email opens its details. */
export function ContactsPage() {
  const [params, setParams] = useSearchParams();
  const [email, setEmail] = useState("");
  const [tagTyped, setTagTyped] = useState(params.get("tag") ?? "");
  const [debouncedEmail] = useDebouncedValue(email.trim(), 250);
  const [debouncedTag] = useDebouncedValue(tagTyped.trim(), 250);
  const listId = params.get("listId");
  const [opened, setOpened] = useState<string | null>(null);
  const filters = `${debouncedEmail}|${listId ?? ""}|${debouncedTag}`;
  const pages = useCursorPages(filters);
  const [{ data, fetching, error }] = useQuery({
    query: ContactsPageDocument,
    variables: { email: debouncedEmail || null, listId, tag: debouncedTag || null, after: pages.after, first: PAGE_SIZE },
  });
  const [{ data: listData }] = useQuery({ query: ContactListsDocument });

  const chooseList = (value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set("listId", value); else next.delete("listId");
    setParams(next, { replace: true });
  };
  const rows = data?.contacts.edges ?? [];
  const total = data?.contacts.totalCount ?? 0;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Contacts</Title>
        <Text c="gray.7">Everyone in your account, wherever they came from. Pick a contact to see its fields, lists, tags and sources.</Text>
      </div>
      <Group align="flex-end" gap="md">
        <TextInput label="Email" placeholder="Search by email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} w={300} />
        <Select label="List" placeholder="Any list" clearable value={listId} onChange={chooseList} w={240}
          data={(listData?.lists ?? []).map((list) => ({ value: list.id, label: `${list.name} (${list.contactCount.toLocaleString()})` }))}
          nothingFoundMessage="No lists yet" />
        <TextInput label="Tag" placeholder="Any tag" value={tagTyped} onChange={(e) => setTagTyped(e.currentTarget.value)} w={200} />
      </Group>
      {!data ? <QueryState fetching={fetching} error={error} /> : (
        <>
          <Text size="sm" c="gray.7" role="status">{total.toLocaleString()} contact{total === 1 ? "" : "s"}</Text>
          {rows.length === 0 ? <Text>{filters === "||" ? "No contacts yet: set up an import to bring some." : "No contacts match these filters."}</Text> : (
            <Table striped>
              <Table.Thead><Table.Tr><Table.Th>Email</Table.Th><Table.Th>Name</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {rows.map(({ node }) => (
                  <Table.Tr key={node.id}>
                    <Table.Td><Anchor component="button" type="button" size="sm" onClick={() => setOpened(node.email)}>{node.email}</Anchor></Table.Td>
                    <Table.Td>{[node.firstName, node.lastName].filter(Boolean).join(" ") || "—"}</Table.Td>
                    <Table.Td>{contactStatusWords(node.status)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {(pages.hasPrevious || data.contacts.pageInfo.hasNextPage) && (
            <Group gap="sm">
              <Button variant="default" onClick={pages.previous} disabled={!pages.hasPrevious}>Previous page</Button>
              <Button variant="default" onClick={() => pages.next(data.contacts.pageInfo.endCursor ?? null)}
                disabled={!data.contacts.pageInfo.hasNextPage}>Next page</Button>
              <Text size="sm" c="gray.7">Page {pages.number} of {Math.max(1, Math.ceil(total / PAGE_SIZE)).toLocaleString()}</Text>
            </Group>
          )}
        </>
      )}
      <ContactDetails email={opened} onClose={() => setOpened(null)} />
    </Stack>
  );
}

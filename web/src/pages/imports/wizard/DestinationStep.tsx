import { Alert, MultiSelect, Stack, TagsInput, TextInput } from "@mantine/core";
import { useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../../../gql";

const CreateListDocument = graphql(`
  mutation WizardCreateList($input: CreateListInput!) {
    createList(input: $input) { list { id name contactCount } userErrors { field code message } }
  }
`);

/** An option of "Lists" that is not a list: picking it creates the list typed in the search. */
const CREATE_PREFIX = "\u0000create:";

interface ListOption { id: string; name: string }

interface DestinationStepProps {
  lists: ListOption[];
  listIds: string[];
  tags: string[];
  name: string;
  onLists: (ids: string[]) => void;
  onListCreated: (list: ListOption) => void;
  onTags: (tags: string[]) => void;
  onName: (name: string) => void;
  errors: Record<string, string>;
  stepErrors: string[];
  namePlaceholder: string;
}

/** Where imported contacts go: lists (pick, or type a new name and create it), tags, the import's name. */
export function DestinationStep(props: DestinationStepProps) {
  const [search, setSearch] = useState("");
  const [listError, setListError] = useState<string | null>(null);
  const [{ fetching }, createList] = useMutation(CreateListDocument);
  const typed = search.trim();
  const exists = props.lists.some((l) => l.name.toLowerCase() === typed.toLowerCase());
  const data = [
    ...props.lists.map((l) => ({ value: l.id, label: l.name })),
    ...(typed && !exists ? [{ value: `${CREATE_PREFIX}${typed}`, label: `Create list "${typed}"` }] : []),
  ];

  const change = async (values: string[]) => {
    const creating = values.find((v) => v.startsWith(CREATE_PREFIX));
    const chosen = values.filter((v) => !v.startsWith(CREATE_PREFIX));
    if (!creating) {
      props.onLists(chosen);
      return;
    }
    setListError(null);
    const result = await createList({ input: { name: creating.slice(CREATE_PREFIX.length) } });
    const payload = result.data?.createList;
    if (!payload?.list) {
      setListError(payload?.userErrors.map((e) => e.message).join(" ") || "The list could not be created. Try again.");
      return;
    }
    props.onListCreated(payload.list);
    props.onLists([...chosen, payload.list.id]);
    setSearch("");
  };

  return (
    <Stack gap="md">
      <MultiSelect label="Lists" description="Imported contacts join these lists. Type a new name to create a list."
        data={data} value={props.listIds} onChange={(v) => void change(v)} searchable searchValue={search}
        onSearchChange={setSearch} nothingFoundMessage="No list has that name" placeholder={props.listIds.length ? "" : "Pick or create lists"}
        error={listError ?? props.errors.listIds} disabled={fetching} hidePickedOptions />
      <TagsInput label="Tags" description="Added to every imported contact. Press Enter after each tag."
        value={props.tags} onChange={props.onTags} error={props.errors.tags} placeholder="e.g. newsletter" clearable />
      <TextInput label="Name" description="How the import is shown in your list of auto-imports."
        value={props.name} onChange={(e) => props.onName(e.currentTarget.value)} error={props.errors.name}
        placeholder={props.namePlaceholder} />
      {props.stepErrors.map((message) => <Alert key={message} color="red" role="alert">{message}</Alert>)}
    </Stack>
  );
}

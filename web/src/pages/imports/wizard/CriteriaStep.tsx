import { Alert, Loader, Group, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useClient } from "urql";
import { graphql } from "../../../gql";
import { GeneratedFields } from "./GeneratedFields";
import type { ChoiceLike, FieldErrors, FormField, FormValues } from "./forms";

const CriterionChoicesDocument = graphql(`
  query WizardCriterionChoices($connectionId: ID!, $key: String!) {
    connection(id: $connectionId) { id criterionChoices(key: $key) { value label } }
  }
`);

export interface LoadedChoices {
  choices: Record<string, ChoiceLike[]>;
  loading: boolean;
  /** Criteria whose values the service could not list: they stay free text. */
  unavailable: string[];
}

/** The connected account's own values for each criterion that is not a yes/no (labels, owners,
 * stages, tags), read once per connection. A criterion the service cannot list stays free text. */
export function useCriterionChoices(connectionId: string | null, keys: string[]): LoadedChoices {
  const client = useClient();
  const wantedId = connectionId && keys.length ? `${connectionId}\u0000${keys.join("\u0000")}` : "";
  const [loaded, setLoaded] = useState<{ id: string; choices: Record<string, ChoiceLike[]>; unavailable: string[] }>(
    { id: "", choices: {}, unavailable: [] });
  useEffect(() => {
    if (!wantedId) return;
    let current = true;
    const [id, ...wanted] = wantedId.split("\u0000");
    void Promise.all(wanted.map(async (key) => {
      const result = await client.query(CriterionChoicesDocument, { connectionId: id, key }, { requestPolicy: "network-only" }).toPromise();
      return [key, result.data?.connection?.criterionChoices ?? null] as const;
    })).then((pairs) => {
      if (!current) return;
      const choices: Record<string, ChoiceLike[]> = {};
      const unavailable: string[] = [];
      for (const [key, list] of pairs) {
        if (list === null) unavailable.push(key);
        else choices[key] = list;
      }
      setLoaded({ id: wantedId, choices, unavailable });
    });
    return () => { current = false; };
  }, [client, wantedId]);
  if (!wantedId) return { choices: {}, loading: false, unavailable: [] };
  if (loaded.id !== wantedId) return { choices: {}, loading: true, unavailable: [] };
  return { choices: loaded.choices, loading: false, unavailable: loaded.unavailable };
}

interface CriteriaStepProps {
  fields: FormField[];
  values: FormValues;
  errors: FieldErrors;
  stepErrors: string[];
  onChange: (key: string, value: string | boolean) => void;
  loadingChoices: boolean;
  unavailableLabels: string[];
  editing: boolean;
}

/** One input per criterion of the service; where the account offers choices, a select of them. */
export function CriteriaStep(props: CriteriaStepProps) {
  const { fields, editing } = props;
  return (
    <Stack gap="md">
      <Text size="sm" c="gray.7">
        {fields.length === 0 ? "This service takes no criteria: every contact is imported."
          : "Leave a criterion empty to import every contact."}
      </Text>
      {editing && (
        <Alert color="blue" variant="light" title="Changing criteria starts a new retrieval">
          New criteria mean the import retrieves the matching contacts from the start again. Contacts it brought stay.
        </Alert>
      )}
      {props.loadingChoices && <Group gap="xs"><Loader size="xs" aria-label="Loading choices" /><Text size="sm">Reading the account's choices…</Text></Group>}
      <GeneratedFields idPrefix="criterion" fields={fields} values={props.values} errors={props.errors} onChange={props.onChange} />
      {props.unavailableLabels.length > 0 && (
        <Text size="sm" c="gray.7">The service did not list values for {props.unavailableLabels.join(", ")}: type them as they appear there.</Text>
      )}
      {props.stepErrors.map((message) => <Alert key={message} color="red" role="alert">{message}</Alert>)}
    </Stack>
  );
}

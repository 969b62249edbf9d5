import { externalAccountWords } from "../../api/words";
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMemo, useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { GeneratedFields } from "../imports/wizard/GeneratedFields";
import { initialValues, settingFields, toJson, validate, type FieldErrors, type FormValues } from "../imports/wizard/forms";
import { placeUserErrors } from "../imports/wizard/userErrors";
import type { ConnectionRow } from "./ConnectionsPage";
import { saveReconnect } from "./reconnectReturn";

const ReconnectDocument = graphql(`
  mutation ReconnectService($input: ConnectServiceInput!) {
    connectService(input: $input) {
      authorizeUrl
      connection { id status externalAccount }
      userErrors { field code message }
    }
  }
`);

/** Renews an OAuth connection's access at once: the service's sign-in again, asked for this
 * very connection (the consent renews it), in this tab; the return comes to the Connections
 * page (see `ReconnectReturn`). A refusal is said in a notification. */
export function useReconnectBySignIn(connection: ConnectionRow): { start: () => Promise<void>; fetching: boolean } {
  const [state, connect] = useMutation(ReconnectDocument);
  const service = connection.service;
  const start = async () => {
    const result = await connect({ input: { serviceId: service.id, settings: { connectionId: connection.id } } });
    const payload = result.data?.connectService;
    const url = payload?.authorizeUrl;
    if (!url) {
      notifications.show({ color: "red", title: `${service.name} was not reconnected`,
        message: payload?.userErrors.map((e) => e.message).join(" ") || result.error?.message || `${service.name} did not offer a sign-in.` });
      return;
    }
    saveReconnect({ serviceId: service.id, serviceName: service.name, connectionId: connection.id });
    window.location.assign(url);
  };
  return { start, fetching: state.fetching };
}

/** Renews an API-key connection: the service's settings form again (the same account's key
 * renews every connection to it; its imports waiting for it sync at once). */
export function ReconnectDialog({ connection, onClose }: { connection: ConnectionRow; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={`Reconnect ${connection.service.name}`} centered>
      <ReconnectBySettings connection={connection} onDone={onClose} />
    </Modal>
  );
}

function ReconnectBySettings({ connection, onDone }: { connection: ConnectionRow; onDone: () => void }) {
  const service = connection.service;
  const fields = useMemo(() => settingFields(service.settings), [service.settings]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [state, connect] = useMutation(ReconnectDocument);

  const submit = async () => {
    const found = validate(fields, values);
    setErrors(found);
    setProblems([]);
    if (Object.keys(found).length > 0) return;
    const result = await connect({ input: { serviceId: service.id, settings: toJson(fields, values) } },
      { additionalTypenames: ["Connection"] });
    const payload = result.data?.connectService;
    const placed = placeUserErrors(payload?.userErrors ?? [], "settings", fields.map((f) => f.key));
    if (!payload?.connection) {
      setErrors(placed.fields);
      setProblems(placed.step.length || Object.keys(placed.fields).length ? placed.step : [result.error?.message ?? "The service did not answer."]);
      return;
    }
    const renewed = payload.connection.externalAccount === connection.externalAccount;
    notifications.show({ color: "green", message: renewed ? `${service.name} account ${externalAccountWords(connection.externalAccount)} is connected again.`
      : `These settings are for another account (${externalAccountWords(payload.connection.externalAccount)}): it was connected as a new connection.` });
    onDone();
  };

  return (
    <Stack gap="md">
      <Text size="sm">Enter the current settings of {externalAccountWords(connection.externalAccount)} at {service.name}. Its imports sync again at once.</Text>
      <GeneratedFields fields={fields} values={values} errors={errors} idPrefix={`reconnect-${connection.id}`}
        onChange={(key, value) => setValues((current) => ({ ...current, [key]: value }))} />
      {problems.map((message) => <Alert key={message} color="red" role="alert">{message}</Alert>)}
      <Group justify="flex-end"><Button onClick={submit} loading={state.fetching}>Reconnect</Button></Group>
    </Stack>
  );
}

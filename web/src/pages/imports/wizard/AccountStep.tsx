import { externalAccountWords } from "../../../api/words";
import { Alert, Button, Divider, Group, Select, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../../../gql";
import type { WizardServiceQuery } from "../../../gql/graphql";
import { GeneratedFields } from "./GeneratedFields";
import { initialValues, settingFields, toJson, validate, type FieldErrors, type FormValues } from "./forms";
import { placeUserErrors } from "./userErrors";

const ConnectServiceDocument = graphql(`
  mutation WizardConnectService($input: ConnectServiceInput!) {
    connectService(input: $input) {
      connection { id name externalAccount status }
      authorizeUrl
      userErrors { field code message }
    }
  }
`);

type WizardService = NonNullable<WizardServiceQuery["service"]>;
type WizardConnection = WizardServiceQuery["connections"][number];

interface AccountStepProps {
  service: WizardService;
  connections: WizardConnection[];
  connectionId: string | null;
  onChoose: (connectionId: string | null) => void;
  /** After connectService made a connection: the wizard refetches and chooses it. */
  onConnected: (connectionId: string) => void;
  /** Before leaving for an OAuth consent page: the wizard saves its draft. */
  onLeaveForConsent: () => void;
  /** Set when editing: the import keeps its connection. */
  locked: boolean;
  error: string | null;
  /** Why the last consent did not connect (from the callback's return address). */
  consentError: string | null;
}

export function connectionLabel(connection: WizardConnection): string {
  const account = externalAccountWords(connection.externalAccount);
  const name = connection.name === connection.externalAccount || connection.name === account ? account : `${connection.name} (${account})`;
  return connection.status === "NEEDS_REAUTH" ? `${name}, needs reconnecting` : name;
}

/** Pick one of the account's connections to this service, or connect one: a form generated from
 * `Service.settings` with "Connect", or for OAuth services "Connect {name}" (the consent page). */
export function AccountStep(props: AccountStepProps) {
  const { connections, connectionId, onChoose, locked } = props;
  const options = connections.map((c) => ({ value: c.id, label: connectionLabel(c) }));
  return (
    <Stack gap="md">
      {props.consentError && <Alert color="red" title="Not connected" role="alert">{props.consentError}</Alert>}
      {connections.length > 0 && (
        <Select label="Account" description={locked ? "An import keeps the account it was created with." : "The account to import from."}
          data={options} value={connectionId} onChange={onChoose} disabled={locked} allowDeselect={false}
          placeholder="Choose an account" error={props.error} />
      )}
      {connections.length === 0 && props.error && <Alert color="red" role="alert">{props.error}</Alert>}
      {!locked && <ConnectNew {...props} />}
    </Stack>
  );
}

function ConnectNew({ service, connections, onConnected, onLeaveForConsent }: AccountStepProps) {
  const fields = useMemo(() => settingFields(service.settings), [service.settings]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [stepErrors, setStepErrors] = useState<string[]>([]);
  const [{ fetching }, connect] = useMutation(ConnectServiceDocument);
  const oauth = service.auth === "OAUTH2";

  const send = async (settings: Record<string, string | boolean>, viaConsent: boolean) => {
    setStepErrors([]);
    const result = await connect({ input: { serviceId: service.id, settings } });
    const payload = result.data?.connectService;
    if (!payload) {
      setStepErrors([result.error?.message ?? "The server could not be reached. Try again."]);
      return;
    }
    const placed = placeUserErrors(payload.userErrors, "settings", fields.map((f) => f.key));
    setErrors(placed.fields);
    setStepErrors(placed.step);
    if (payload.userErrors.length > 0) return;
    if (payload.connection) onConnected(payload.connection.id);
    else if (payload.authorizeUrl && viaConsent) {
      onLeaveForConsent();
      window.location.assign(payload.authorizeUrl);
    } else if (payload.authorizeUrl) {
      setStepErrors([`Fill in the fields above, or use "Connect ${service.name}" to sign in at ${service.name}.`]);
    }
  };

  const connectWithSettings = () => {
    const found = validate(fields, values);
    const settings = toJson(fields, values);
    if (oauth && Object.keys(settings).length === 0 && Object.keys(found).length === 0) {
      setStepErrors([`Fill in the fields above, or use "Connect ${service.name}" to sign in at ${service.name}.`]);
      return;
    }
    setErrors(found);
    if (Object.keys(found).length === 0) void send(settings, false);
  };

  return (
    <Stack gap="sm">
      {connections.length > 0 && <Divider label="or connect another account" labelPosition="center" />}
      <Title order={3} size="h5">{connections.length > 0 ? "Connect another account" : `Connect your ${service.name} account`}</Title>
      {oauth && (
        <Group>
          <Button onClick={() => void send({}, true)} loading={fetching}>Connect {service.name}</Button>
          <Text size="sm" c="gray.7">You sign in at {service.name} and come back here.</Text>
        </Group>
      )}
      {fields.length > 0 && (
        <>
          {oauth && <Text size="sm" c="gray.7">Or connect with a token:</Text>}
          <GeneratedFields idPrefix="setting" fields={fields} values={values} errors={errors}
            onChange={(key, value) => { setValues((v) => ({ ...v, [key]: value })); setErrors(({ [key]: _, ...rest }) => rest); }} />
          <Group><Button variant={oauth ? "default" : "filled"} onClick={connectWithSettings} loading={fetching}>Connect</Button></Group>
        </>
      )}
      {stepErrors.map((message) => <Alert key={message} color="red" role="alert">{message}</Alert>)}
    </Stack>
  );
}

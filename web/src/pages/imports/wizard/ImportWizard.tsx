import { Alert, Button, Center, Group, Loader, Modal, Stepper } from "@mantine/core";
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../../gql";
import type { WizardServiceQuery } from "../../../gql/graphql";
import { AccountStep } from "./AccountStep";
import { CriteriaStep, useCriterionChoices } from "./CriteriaStep";
import { DestinationStep } from "./DestinationStep";
import { PreviewStep, type PreviewResult } from "./PreviewStep";
import { saveDraft, type WizardDraft } from "./draft";
import { criterionFields, initialValues, toJson, validate, type FieldErrors, type FormValues } from "./forms";
import { placeUserErrors, type UserErrorLike } from "./userErrors";

const WizardServiceDocument = graphql(`
  query WizardService($serviceId: ID!) {
    service(id: $serviceId) {
      id name auth
      settings { key label type required help }
      criteria { key label type required help choices }
    }
    connections(serviceId: $serviceId) { id name externalAccount status createdAt }
    lists { id name contactCount }
  }
`);

const WizardEditedImportDocument = graphql(`
  query WizardEditedImport($id: ID!) {
    autoImport(id: $id) { id name criteria tags lists { id } connection { id } service { id } }
  }
`);

const PreviewDocument = graphql(`
  mutation WizardPreview($input: PreviewAutoImportInput!) {
    previewAutoImport(input: $input) {
      records { externalId email firstName lastName verdict reason }
      matchedEstimate
      userErrors { field code message }
    }
  }
`);

const CreateAutoImportDocument = graphql(`
  mutation WizardCreateAutoImport($input: CreateAutoImportInput!) {
    createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } }
  }
`);

const UpdateAutoImportDocument = graphql(`
  mutation WizardUpdateAutoImport($id: ID!, $input: UpdateAutoImportInput!) {
    updateAutoImport(id: $id, input: $input) { autoImport { id name status criteria tags lists { id name } } userErrors { field code message } }
  }
`);

export interface ImportWizardProps {
  /** The service to import from (`Service.id`). */
  serviceId: string;
  /** When set, the wizard edits this import ("Save changes") instead of creating one. */
  editImportId?: string | null;
  opened: boolean;
  onClose: () => void;
  /** Coming back from an OAuth consent: the draft saved before leaving, and the new connection. */
  resumed?: { draft: WizardDraft | null; connectionId: string | null; error: string | null } | null;
  /** After "Create import" or "Save changes" succeeded, with the import as saved. The wizard
   * says nothing of its own: the caller tells the user where they look next (the Import page
   * above its list of imports, an import's page beside its buttons), which a notification
   * floating over the page would cover. */
  onSaved?: (saved: { id: string; name: string }) => void;
}

/** The import wizard, a modal dialog "Import from {service}": Account, Criteria, Preview,
 * Destination. Each step's input stays when a step fails; the API's errors show at the field. */
export function ImportWizard(props: ImportWizardProps) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: WizardServiceDocument, variables: { serviceId: props.serviceId },
    pause: !props.opened, requestPolicy: "cache-and-network" });
  const [edited] = useQuery({ query: WizardEditedImportDocument, variables: { id: props.editImportId ?? "" },
    pause: !props.opened || !props.editImportId, requestPolicy: "network-only" });
  const service = data?.service;
  const title = `Import from ${service?.name ?? "…"}`;
  const ready = service && (!props.editImportId || edited.data);
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} size="xl" closeOnClickOutside={false}
      styles={{ title: { fontWeight: 700, fontSize: "var(--mantine-font-size-lg)" } }}>
      {!data && fetching && <Center py="xl"><Loader aria-label="Loading" /></Center>}
      {error && !data && <Alert color="red" role="alert">The service could not be loaded: {error.message}</Alert>}
      {data && !service && <Alert color="red" role="alert">This service is not offered any more.</Alert>}
      {ready && (
        <WizardSteps {...props} service={service} connections={data.connections} lists={data.lists}
          edited={edited.data?.autoImport ?? null} refetchConnections={() => refetch({ requestPolicy: "network-only" })} />
      )}
    </Modal>
  );
}

type Service = NonNullable<WizardServiceQuery["service"]>;
interface EditedImport { id: string; name: string; criteria: unknown; tags: string[]; lists: { id: string }[]; connection?: { id: string } | null }

interface WizardStepsProps extends ImportWizardProps {
  service: Service;
  connections: WizardServiceQuery["connections"];
  lists: WizardServiceQuery["lists"];
  edited: EditedImport | null;
  refetchConnections: () => void;
}

const STEP_ACCOUNT = 0, STEP_CRITERIA = 1, STEP_PREVIEW = 2, STEP_DESTINATION = 3;

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function WizardSteps({ service, connections, lists, edited, refetchConnections, ...props }: WizardStepsProps) {
  const editing = edited !== null;
  const draft = props.resumed?.draft ?? null;
  // Back from a consent too, the Account step shows the new connection chosen; "Next" goes on.
  const [step, setStep] = useState(STEP_ACCOUNT);
  const [connectionId, setConnectionId] = useState<string | null>(
    edited?.connection?.id ?? props.resumed?.connectionId ?? (connections.length === 1 ? connections[0].id : null));
  const [accountError, setAccountError] = useState<string | null>(null);
  const criteriaKeys = service.criteria.filter((c) => c.type !== "boolean").map((c) => c.key);
  const loaded = useCriterionChoices(connectionId, criteriaKeys);
  const fields = useMemo(() => criterionFields(service.criteria, loaded.choices), [service.criteria, loaded.choices]);
  const [criteria, setCriteria] = useState<FormValues>(() =>
    initialValues(criterionFields(service.criteria), draft?.criteria ?? asRecord(edited?.criteria)));
  const [criteriaErrors, setCriteriaErrors] = useState<FieldErrors>({});
  const [criteriaStepErrors, setCriteriaStepErrors] = useState<string[]>([]);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [knownLists, setKnownLists] = useState(lists.map((l) => ({ id: l.id, name: l.name })));
  const [listIds, setListIds] = useState<string[]>(draft?.listIds ?? edited?.lists.map((l) => l.id) ?? []);
  const [tags, setTags] = useState<string[]>(draft?.tags ?? edited?.tags ?? []);
  const [name, setName] = useState(draft?.name ?? edited?.name ?? "");
  const [destinationErrors, setDestinationErrors] = useState<Record<string, string>>({});
  const [destinationStepErrors, setDestinationStepErrors] = useState<string[]>([]);
  const [previewState, runPreview] = useMutation(PreviewDocument);
  const [created, create] = useMutation(CreateAutoImportDocument);
  const [updated, update] = useMutation(UpdateAutoImportDocument);

  const criteriaJson = () => toJson(fields, criteria);
  const routeErrors = (errors: UserErrorLike[], at: number) => {
    const forCriteria = placeUserErrors(errors.filter((e) => e.field?.[0] === "criteria"), "criteria", fields.map((f) => f.key));
    const forDestination = placeUserErrors(errors.filter((e) => e.field?.[0] !== "criteria"), null, [], ["name", "tags", "listIds"]);
    const onAccount = errors.filter((e) => e.field?.[0] === "connectionId").map((e) => e.message);
    if (onAccount.length) { setAccountError(onAccount.join(" ")); setStep(STEP_ACCOUNT); return; }
    if (Object.keys(forCriteria.fields).length || forCriteria.step.length) {
      setCriteriaErrors(forCriteria.fields);
      setCriteriaStepErrors(forCriteria.step);
      setStep(STEP_CRITERIA);
    }
    setDestinationErrors(forDestination.fields);
    setDestinationStepErrors(forDestination.step);
    if (at !== STEP_CRITERIA && !Object.keys(forCriteria.fields).length && !forCriteria.step.length) setStep(at);
  };

  const toPreview = async () => {
    const found = validate(fields, criteria);
    setCriteriaErrors(found);
    setCriteriaStepErrors([]);
    if (Object.keys(found).length || !connectionId) return;
    setPreview(null);
    setStep(STEP_PREVIEW);
    const result = await runPreview({ input: { serviceId: service.id, connectionId, criteria: criteriaJson() } });
    const payload = result.data?.previewAutoImport;
    if (!payload) {
      setPreview({ records: [], matchedEstimate: null, userErrors: [{ field: null, code: "UNAVAILABLE", message: result.error?.message ?? "The preview could not be read." }] });
      return;
    }
    const atCriteria = payload.userErrors.filter((e) => e.field?.[0] === "criteria" && e.field.length > 1);
    if (atCriteria.length) {
      routeErrors(atCriteria, STEP_CRITERIA);
      return;
    }
    setPreview(payload);
  };

  const next = () => {
    if (step === STEP_ACCOUNT) {
      if (!connectionId) { setAccountError("Choose an account, or connect one below."); return; }
      setAccountError(null);
      setStep(STEP_CRITERIA);
    } else if (step === STEP_CRITERIA) void toPreview();
    else if (step === STEP_PREVIEW) setStep(STEP_DESTINATION);
  };

  const save = async () => {
    if (!connectionId) { setStep(STEP_ACCOUNT); setAccountError("Choose an account, or connect one."); return; }
    setDestinationErrors({});
    setDestinationStepErrors([]);
    const common = { name: name.trim() || null, criteria: criteriaJson(), listIds, tags };
    const result = edited
      ? await update({ id: edited.id, input: common })
      : await create({ input: { serviceId: service.id, connectionId, ...common } });
    const payload = result.data ? ("updateAutoImport" in result.data ? result.data.updateAutoImport : result.data.createAutoImport) : null;
    if (!payload) { setDestinationStepErrors([result.error?.message ?? "The server could not be reached. Try again."]); return; }
    if (payload.userErrors.length || !payload.autoImport) { routeErrors(payload.userErrors, STEP_DESTINATION); return; }
    props.onSaved?.(payload.autoImport);
    props.onClose();
  };

  const leaveForConsent = () => saveDraft({ serviceId: service.id, criteria, listIds, tags, name });
  const connected = (id: string) => { setConnectionId(id); setAccountError(null); refetchConnections(); };
  const saving = created.fetching || updated.fetching;

  return (
    <>
      <Stepper active={step} onStepClick={(index) => { if (index < step) setStep(index); }} allowNextStepsSelect={false} size="sm" mb="lg">
        <Stepper.Step label="Account" description={editing ? "Kept" : "Pick or connect"}>
          <AccountStep service={service} connections={connections} connectionId={connectionId} locked={editing}
            onChoose={(id) => { setConnectionId(id); setAccountError(null); }} onConnected={connected}
            onLeaveForConsent={leaveForConsent} error={accountError} consentError={props.resumed?.error ?? null} />
        </Stepper.Step>
        <Stepper.Step label="Criteria" description="Which contacts">
          <CriteriaStep fields={fields} values={criteria} errors={criteriaErrors} stepErrors={criteriaStepErrors} editing={editing}
            onChange={(key, value) => { setCriteria((v) => ({ ...v, [key]: value })); setCriteriaErrors(({ [key]: _, ...rest }) => rest); }}
            loadingChoices={loaded.loading}
            unavailableLabels={fields.filter((f) => loaded.unavailable.includes(f.key)).map((f) => f.label)} />
        </Stepper.Step>
        <Stepper.Step label="Preview" description="Before anything is written">
          <PreviewStep preview={preview} loading={previewState.fetching} />
        </Stepper.Step>
        <Stepper.Step label="Destination" description="Lists, tags, name">
          <DestinationStep lists={knownLists} listIds={listIds} tags={tags} name={name}
            onLists={setListIds} onListCreated={(list) => setKnownLists((all) => [...all, list])}
            onTags={setTags} onName={setName} errors={destinationErrors} stepErrors={destinationStepErrors}
            namePlaceholder={`${service.name} contacts`} />
        </Stepper.Step>
      </Stepper>
      <Group justify="space-between">
        <Button variant="default" onClick={() => setStep((s) => Math.max(STEP_ACCOUNT, s - 1))} disabled={step === STEP_ACCOUNT}>Back</Button>
        {step < STEP_DESTINATION
          ? <Button onClick={next} loading={previewState.fetching}>Next</Button>
          : <Button onClick={() => void save()} loading={saving}>{editing ? "Save changes" : "Create import"}</Button>}
      </Group>
    </>
  );
}

import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ImportPageQuery } from "../../gql/graphql";
import { autoImportStatusWords, capitalized, importCountWords, nextSyncWords, serviceAuthWords } from "../../api/words";
import { QueryState } from "../../shell/QueryState";
import { useRefetchOnFocus } from "../../shell/useRefetchOnFocus";
import { ImportWizard, type ImportWizardProps } from "./wizard/ImportWizard";
import { consentReturn, takeDraft } from "./wizard/draft";

const ImportPageDocument = graphql(`
  query ImportPage {
    services { id name auth importCount recommendedMaxImports }
    autoImports { id name status nextSyncAt lastSyncAt service { id name } }
  }
`);

/** An empty list names no type, so without this the document cache would not know that a new
 * import (created in the wizard) makes this page stale: counts and list would stay at 0. */
const IMPORT_PAGE_CONTEXT = { additionalTypenames: ["AutoImport", "Service"] };

type ServiceSummary = ImportPageQuery["services"][number];
type AutoImportSummary = ImportPageQuery["autoImports"][number];

/** The Import page: one region per service (name, how it connects, its count of auto-imports,
 * the advice past the recommended number) and the account's auto-imports with their status. */
export function ImportPage() {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ImportPageDocument, requestPolicy: "cache-and-network", context: IMPORT_PAGE_CONTEXT });
  useRefetchOnFocus(useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]));
  const [created, setCreated] = useState<string | null>(null);
  const wizard = useWizardOpening(setCreated);
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Import</Title>
        <Text c="gray.7">Pick a service to import contacts from. They are retrieved at once, then kept up to date every 30 minutes.</Text>
      </div>
      {!data ? <QueryState fetching={fetching} error={error} /> : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.services.map((service) => <ServiceCard key={service.id} service={service} onImport={() => wizard.open(service.id)} />)}
          </SimpleGrid>
          <AutoImportList autoImports={data.autoImports} created={created} />
        </>
      )}
      {wizard.props && <ImportWizard {...wizard.props} />}
    </Stack>
  );
}

type OpenWizard = Pick<ImportWizardProps, "serviceId" | "resumed">;

/** Which wizard is open: one the user opened, or the one an OAuth consent returns to
 * (`/import?service=..&connected=..`), reopened from its saved draft. `onCreated` gets the name
 * of the import it created. */
function useWizardOpening(onCreated: (name: string) => void) {
  const location = useLocation();
  const navigate = useNavigate();
  const [opened, setOpened] = useState<OpenWizard | null>(() => {
    const back = consentReturn(location.search);
    if (!back) return null;
    return { serviceId: back.serviceId,
      resumed: { draft: takeDraft(back.serviceId), connectionId: back.connectedId, error: back.error } };
  });
  const returned = consentReturn(location.search) !== null;
  useEffect(() => {
    if (returned) void navigate("/import", { replace: true });  // the return address is used once
  }, [returned, navigate]);
  return {
    open: (serviceId: string) => setOpened({ serviceId, resumed: null }),
    props: opened ? { ...opened, opened: true, onClose: () => setOpened(null), onSaved: ({ name }) => onCreated(name) } satisfies ImportWizardProps : null,
  };
}

function ServiceCard({ service, onImport }: { service: ServiceSummary; onImport: () => void }) {
  const headingId = `service-${service.id}`;
  const overRecommended = service.importCount > service.recommendedMaxImports;
  return (
    <Card withBorder component="section" aria-labelledby={headingId} padding="lg">
      <Stack gap="xs" h="100%">
        <Title order={2} size="h4" id={headingId}>{service.name}</Title>
        <Text size="sm" c="gray.7">{serviceAuthWords(service.auth)}</Text>
        <Text size="sm">{importCountWords(service.importCount)}</Text>
        {overRecommended && (
          <Alert color="yellow" variant="light" p="xs">
            <Text size="sm">We recommend at most {service.recommendedMaxImports} auto-imports per service: imports of one account share its 500 contacts per sync.</Text>
          </Alert>
        )}
        <Group mt="auto" pt="xs"><Button onClick={onImport}>Import from {service.name}</Button></Group>
      </Stack>
    </Card>
  );
}

/** The account's auto-imports; above them, once the wizard created one, that it did (where the
 * marketer looks for the new import, in a live region present from the start so that it is
 * announced). */
function AutoImportList({ autoImports, created }: { autoImports: AutoImportSummary[]; created: string | null }) {
  return (
    <section aria-labelledby="your-imports">
      <Title order={2} size="h3" id="your-imports" mb="sm">Your auto-imports</Title>
      <Text size="sm" fw={500} c="teal.9" role="status" aria-live="polite" mb={created ? "sm" : 0}>
        {created && `“${created}” is created: its first contacts arrive in a moment.`}
      </Text>
      {autoImports.length === 0 ? (
        <Text c="gray.7">No auto-imports yet. Pick a service above to set up the first one.</Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr><Table.Th>Name</Table.Th><Table.Th>Service</Table.Th><Table.Th>Status</Table.Th><Table.Th>Next sync</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {autoImports.map((item) => {
              const status = autoImportStatusWords(item.status);
              return (
                <Table.Tr key={item.id}>
                  <Table.Td><Anchor component={Link} to={`/imports/${item.id}`}>{item.name}</Anchor></Table.Td>
                  <Table.Td>{item.service.name}</Table.Td>
                  <Table.Td><Group gap={4}><Badge color={status.color} variant="dot" tt="none" size="md">{status.label}</Badge></Group></Table.Td>
                  <Table.Td>{capitalized(nextSyncWords(item.status, item.nextSyncAt))}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

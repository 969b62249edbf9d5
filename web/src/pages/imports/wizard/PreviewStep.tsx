import { Alert, Badge, Center, Loader, Stack, Table, Text } from "@mantine/core";
import type { WizardPreviewMutation } from "../../../gql/graphql";
import { previewVerdictWords } from "../../../api/words";

export type PreviewResult = WizardPreviewMutation["previewAutoImport"];

const VERDICT_COLOURS: Record<string, string> = { WOULD_ADD: "green", WOULD_UPDATE: "blue", KEPT_UNSUBSCRIBED: "gray" };

/** The first records the criteria bring and what a sync would do with each; nothing is written. */
export function PreviewStep({ preview, loading }: { preview: PreviewResult | null; loading: boolean }) {
  if (loading || !preview) return <Center py="xl"><Loader aria-label="Reading the first records" /></Center>;
  if (preview.userErrors.length > 0) {
    return (
      <Stack>
        {preview.userErrors.map((e) => <Alert key={e.message} color="red" title="The preview could not be read" role="alert">{e.message}</Alert>)}
        <Text size="sm">You can go back and change the criteria, or go on: the import reports what happens at each sync.</Text>
      </Stack>
    );
  }
  if (preview.records.length === 0) {
    return <Text>No records match these criteria at the moment. The import will bring them as they appear.</Text>;
  }
  const estimate = preview.matchedEstimate;
  return (
    <Stack gap="sm">
      <Text size="sm">
        The first {preview.records.length} record{preview.records.length === 1 ? "" : "s"}
        {estimate !== null && estimate !== undefined ? ` of about ${estimate.toLocaleString()} that match` : ""}, and what the import would do with each. Nothing has been imported yet.
      </Text>
      <Table.ScrollContainer minWidth={560} mah={340}>
        <Table striped stickyHeader>
          <Table.Thead>
            <Table.Tr><Table.Th>Email</Table.Th><Table.Th>Name</Table.Th><Table.Th>What would happen</Table.Th><Table.Th>Why</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.records.map((record) => (
              <Table.Tr key={record.externalId}>
                <Table.Td>{record.email || <Text span c="gray.7" size="sm">no email</Text>}</Table.Td>
                <Table.Td>{[record.firstName, record.lastName].filter(Boolean).join(" ") || "—"}</Table.Td>
                <Table.Td><Badge variant="dot" tt="none" size="md" maw="none" color={VERDICT_COLOURS[record.verdict] ?? "red"}
                  styles={{ label: { overflow: "visible" } }}>{previewVerdictWords(record.verdict)}</Badge></Table.Td>
                <Table.Td>{record.reason ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

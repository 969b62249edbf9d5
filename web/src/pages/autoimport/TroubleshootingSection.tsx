import { Alert, Button, Card, Stack, Table, Text, Title } from "@mantine/core";
import { previewVerdictWords } from "../../api/words";
import type { AutoImportDetail } from "./AutoImportPage";
import { downloadCsv, skippedRecordCount, skippedRecordsCsv, skippedRecordsFileName } from "./skippedRecordsCsv";

type Problem = AutoImportDetail["troubleshooting"]["problems"][number];

/** Region "Troubleshooting": each problem's message and what to do, with the records it names
 * (as received, and why), and the records currently skipped as a CSV download. */
export function TroubleshootingSection({ item }: { item: AutoImportDetail }) {
  const { problems } = item.troubleshooting;
  const downloadable = skippedRecordCount(problems);
  const download = () => downloadCsv(skippedRecordsFileName(item.name), skippedRecordsCsv(problems, previewVerdictWords));
  return (
    <Card withBorder component="section" aria-labelledby="troubleshooting-heading">
      <Title order={2} size="h4" id="troubleshooting-heading" mb="xs">Troubleshooting</Title>
      {problems.length === 0 ? (
        <Text size="sm">Nothing to fix: every record so far became a contact or updated one.</Text>
      ) : (
        <Stack gap="md">
          {problems.map((problem) => <ProblemNotice key={problem.code} problem={problem} />)}
          {downloadable > 0 && (
            <div>
              <Button variant="default" onClick={download}>Download skipped records (CSV)</Button>
              <Text size="xs" c="gray.7" mt={4}>
                {downloadable.toLocaleString()} record{downloadable === 1 ? "" : "s"} as the service sent them, with the reason: fix them there and the next sync brings them.
              </Text>
            </div>
          )}
        </Stack>
      )}
    </Card>
  );
}

function ProblemNotice({ problem }: { problem: Problem }) {
  return (
    <Alert color="orange" variant="light">
      {/* The message as body text, not the alert's coloured title: orange on orange fails contrast. */}
      <Text size="sm" fw={600}>{problem.message}</Text>
      <Text size="sm" mt={4}>{problem.action}</Text>
      {problem.samples.length > 0 && (
        <Table.ScrollContainer minWidth={420} mt="xs">
          <Table withTableBorder>
            <Table.Thead><Table.Tr><Table.Th>Email as received</Table.Th><Table.Th>Reason</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {problem.samples.map((sample) => (
                <Table.Tr key={sample.externalId}>
                  <Table.Td>{sample.email ? sample.email : <Text span size="sm" c="gray.7">no email</Text>}</Table.Td>
                  <Table.Td>{previewVerdictWords(sample.reason)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Alert>
  );
}

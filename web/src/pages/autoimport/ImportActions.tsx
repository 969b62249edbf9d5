import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import type { AutoImportDetail } from "./AutoImportPage";

const SyncNowDocument = graphql(`
  mutation SyncAutoImportNow($id: ID!) {
    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }
  }
`);
const PauseDocument = graphql(`
  mutation PauseAutoImport($id: ID!) {
    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }
  }
`);
const ResumeDocument = graphql(`
  mutation ResumeAutoImport($id: ID!) {
    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }
  }
`);
const DeleteDocument = graphql(`
  mutation DeleteAutoImport($id: ID!) {
    deleteAutoImport(id: $id) { deletedId userErrors { code message } }
  }
`);

interface Outcome {
  error?: { message: string };
  userErrors: { message: string }[];
}

/** Tells the user how a mutation went: its user errors (or the transport's) in red, else `done`.
 * True when it succeeded. */
function announce({ error, userErrors }: Outcome, done: string): boolean {
  const problem = userErrors.map((e) => e.message).join(" ") || error?.message;
  notifications.show(problem ? { color: "red", title: "That did not work", message: problem } : { color: "green", message: done });
  return !problem;
}

/** "Sync now", "Pause" or "Resume", "Edit" and "Delete" (behind a confirmation that says the
 * contacts stay). */
export function ImportActions({ item, editor }: { item: AutoImportDetail; editor?: ReactNode }) {
  const [syncState, syncNow] = useMutation(SyncNowDocument);
  const [pauseState, pause] = useMutation(PauseDocument);
  const [resumeState, resume] = useMutation(ResumeDocument);
  const paused = item.status === "PAUSED";

  const onSyncNow = async () => {
    const result = await syncNow({ id: item.id });
    announce({ error: result.error, userErrors: result.data?.syncAutoImportNow.userErrors ?? [] },
      "Sync started: the progress shows under Status.");
  };
  const onPauseOrResume = async () => {
    const result = paused ? await resume({ id: item.id }) : await pause({ id: item.id });
    const payload = result.data && ("resumeAutoImport" in result.data ? result.data.resumeAutoImport : result.data.pauseAutoImport);
    announce({ error: result.error, userErrors: payload?.userErrors ?? [] },
      paused ? "Import resumed: it syncs on schedule again." : "Import paused: nothing is imported until you resume it.");
  };

  return (
    <Group gap="sm">
      <Button onClick={onSyncNow} loading={syncState.fetching} disabled={paused}>Sync now</Button>
      <Button variant="default" onClick={onPauseOrResume} loading={pauseState.fetching || resumeState.fetching}>
        {paused ? "Resume" : "Pause"}
      </Button>
      {editor}
      <DeleteImport item={item} />
    </Group>
  );
}

function DeleteImport({ item }: { item: AutoImportDetail }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [state, deleteImport] = useMutation(DeleteDocument);
  const navigate = useNavigate();
  const onDelete = async () => {
    const result = await deleteImport({ id: item.id });
    const ok = announce({ error: result.error, userErrors: result.data?.deleteAutoImport.userErrors ?? [] },
      `“${item.name}” was deleted. Its contacts stay in your account.`);
    if (ok) {
      close();
      navigate("/import");
    }
  };
  return (
    <>
      <Button variant="outline" color="red.9" onClick={open}>Delete</Button>
      <Modal opened={opened} onClose={close} title="Delete import" centered>
        <Stack gap="md">
          <Text size="sm">
            “{item.name}” stops importing from {item.service.name}. The contacts it brought stay in your account,
            with their lists, tags and field values.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button color="red" onClick={onDelete} loading={state.fetching}>Delete import</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useId, useState } from "react";
import { useNavigate } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { feedbackFor, feedbackStillTrue, type ActionFeedback, type SaidFeedback } from "./actionFeedback";
import type { AutoImportDetail } from "./AutoImportPage";
import { EditImport } from "./EditImport";

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

/** "Sync now", "Pause" or "Resume", "Edit" and "Delete" (behind a confirmation that says the
 * contacts stay). How an action went is said beside the buttons (`ActionFeedbackText`), not in a
 * notification floating over the status and the sync history the marketer watches next. */
export function ImportActions({ item }: { item: AutoImportDetail }) {
  const [syncState, syncNow] = useMutation(SyncNowDocument);
  const [pauseState, pause] = useMutation(PauseDocument);
  const [resumeState, resume] = useMutation(ResumeDocument);
  const [said, setSaid] = useState<SaidFeedback | null>(null);
  const setFeedback = (feedback: ActionFeedback | null) => setSaid(feedback && { feedback });
  const paused = item.status === "PAUSED";
  const pausedHintId = useId();

  const onSyncNow = async () => {
    const { lastSyncAt } = item;
    setFeedback(null);  // the same words said again are announced again only after a change
    const result = await syncNow({ id: item.id });
    const feedback = feedbackFor({ error: result.error, userErrors: result.data?.syncAutoImportNow.userErrors ?? [] },
      "Sync started: the progress shows under Status.");
    setSaid({ feedback, untilASyncEndsAfter: feedback.tone === "done" ? { lastSyncAt } : undefined });
  };
  const onPauseOrResume = async () => {
    setFeedback(null);
    const result = paused ? await resume({ id: item.id }) : await pause({ id: item.id });
    const payload = result.data && ("resumeAutoImport" in result.data ? result.data.resumeAutoImport : result.data.pauseAutoImport);
    setFeedback(feedbackFor({ error: result.error, userErrors: payload?.userErrors ?? [] },
      paused ? "Import resumed: it syncs on schedule again." : "Import paused: nothing is imported until you resume it."));
  };
  const onSaved = (name: string) => setFeedback({ tone: "done", message: `Changes saved: “${name}” is updated.` });

  const shown = feedbackStillTrue(said, item.lastSyncAt);
  return (
    <Group gap="sm">
      <Button onClick={onSyncNow} loading={syncState.fetching} disabled={paused}
        aria-describedby={paused ? pausedHintId : undefined}>Sync now</Button>
      <Button variant="default" onClick={onPauseOrResume} loading={pauseState.fetching || resumeState.fetching}>
        {paused ? "Resume" : "Pause"}
      </Button>
      <EditImport item={item} onSaved={onSaved} />
      <DeleteImport item={item} />
      {/* why "Sync now" cannot be pressed, unless the last action's outcome already says it */}
      {paused && !shown && <Text size="sm" c="dimmed" id={pausedHintId}>Resume the import to sync it now.</Text>}
      <ActionFeedbackText feedback={shown} />
    </Group>
  );
}

/** The last action's outcome, in a live region of each kind that is always in the page (assistive
 * technology announces text put into an existing live region, not a region added with its text):
 * "done" politely, a problem at once. */
function ActionFeedbackText({ feedback }: { feedback: ActionFeedback | null }) {
  return (
    <>
      <Text size="sm" fw={500} c="teal.9" role="status" aria-live="polite">
        {feedback?.tone === "done" ? feedback.message : null}
      </Text>
      <Text size="sm" fw={500} c="red.8" role="alert">
        {feedback?.tone === "problem" ? `That did not work: ${feedback.message}` : null}
      </Text>
    </>
  );
}

function DeleteImport({ item }: { item: AutoImportDetail }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [state, deleteImport] = useMutation(DeleteDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const navigate = useNavigate();
  const onDelete = async () => {
    setProblem(null);
    const result = await deleteImport({ id: item.id });
    const outcome = feedbackFor({ error: result.error, userErrors: result.data?.deleteAutoImport.userErrors ?? [] },
      `“${item.name}” was deleted. Its contacts stay in your account.`);
    if (outcome.tone === "problem") {
      setProblem(outcome.message);
      return;
    }
    // The page goes back to Import, where nothing of this import is left to cover: a notification.
    notifications.show({ color: "green", message: outcome.message });
    close();
    navigate("/import");
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
          {problem && <Alert color="red" title="That did not work">{problem}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button color="red" onClick={onDelete} loading={state.fetching}>Delete import</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

import { Button } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { ImportWizard } from "../imports/wizard/ImportWizard";
import type { AutoImportDetail } from "./AutoImportPage";

/** "Edit": the import wizard (the one that creates imports) in edit mode, "Save changes". */
export function EditImport({ item }: { item: AutoImportDetail }) {
  const [opened, { open, close }] = useDisclosure(false);
  const saved = () => {
    close();
    notifications.show({ color: "green", message: `“${item.name}” was saved.` });
  };
  return (
    <>
      <Button variant="default" onClick={open}>Edit</Button>
      {opened && <ImportWizard serviceId={item.service.id} editImportId={item.id} opened={opened} onClose={close} onSaved={saved} />}
    </>
  );
}

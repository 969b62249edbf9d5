import { Button } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { ImportWizard } from "../imports/wizard/ImportWizard";
import type { AutoImportDetail } from "./AutoImportPage";

/** "Edit": the import wizard (the one that creates imports) in edit mode, "Save changes".
 * `onSaved` gets the import's name as saved (a rename shows the new one). */
export function EditImport({ item, onSaved }: { item: AutoImportDetail; onSaved: (name: string) => void }) {
  const [opened, { open, close }] = useDisclosure(false);
  const saved = ({ name }: { name: string }) => {
    close();
    onSaved(name);
  };
  return (
    <>
      <Button variant="default" onClick={open}>Edit</Button>
      {opened && <ImportWizard serviceId={item.service.id} editImportId={item.id} opened={opened} onClose={close} onSaved={saved} />}
    </>
  );
}

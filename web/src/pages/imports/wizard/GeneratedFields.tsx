import { Checkbox, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import type { FieldErrors, FormField, FormValues } from "./forms";

interface GeneratedFieldsProps {
  fields: FormField[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (key: string, value: string | boolean) => void;
  /** Prefix of the inputs' ids, so two forms in one dialog never share one. */
  idPrefix: string;
}

/** One labelled Mantine input per generated field, its help as the description and its error
 * (ours or the API's) beneath it. A required field says so in its description. */
export function GeneratedFields({ fields, values, errors, onChange, idPrefix }: GeneratedFieldsProps) {
  return (
    <Stack gap="sm">
      {fields.map((field) => {
        // No asterisk: it would become part of the label's text, and the label is the spec's own words.
        const description = [field.required ? "Required." : "", field.help].filter(Boolean).join(" ") || undefined;
        const common = { id: `${idPrefix}-${field.key}`, label: field.label, description, error: errors[field.key],
          required: field.required, withAsterisk: false };
        const text = typeof values[field.key] === "string" ? (values[field.key] as string) : "";
        switch (field.kind) {
          case "checkbox":
            return <Checkbox key={field.key} {...common} checked={values[field.key] === true}
              onChange={(e) => onChange(field.key, e.currentTarget.checked)} />;
          case "select":
            return <Select key={field.key} {...common} data={field.choices} value={text || null} clearable searchable
              placeholder="Any" nothingFoundMessage="Nothing matches" onChange={(value) => onChange(field.key, value ?? "")}
              />;
          case "password":
            return <PasswordInput key={field.key} {...common} value={text} autoComplete="off"
              visibilityToggleButtonProps={{ "aria-label": `Show ${field.label}` }}
              onChange={(e) => onChange(field.key, e.currentTarget.value)} />;
          default:
            return <TextInput key={field.key} {...common} type={field.kind === "url" ? "url" : "text"} value={text}
              placeholder={field.kind === "url" ? "https://" : undefined} spellCheck={false}
              onChange={(e) => onChange(field.key, e.currentTarget.value)} />;
        }
      })}
    </Stack>
  );
}

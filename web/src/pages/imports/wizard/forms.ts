/** Forms generated from what the API describes: `Service.settings` (what connectService takes)
 * and `Service.criteria` (what an import filters by), with the connected account's own choices.
 * Plain functions, no React: the wizard renders what these return and sends what they build. */

export type FieldKind = "text" | "password" | "url" | "checkbox" | "select";

export interface FormField {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help: string;
  /** For a select: the values offered and their labels. */
  choices: { value: string; label: string }[];
}

export type FormValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

export interface SettingSpecLike { key: string; label: string; type: string; required: boolean; help: string }
export interface CriterionSpecLike { key: string; label: string; type: string; required: boolean; help: string; choices: string[] }
export interface ChoiceLike { value: string; label: string }

const SETTING_KINDS: Record<string, FieldKind> = { TEXT: "text", SECRET: "password", URL: "url" };

/** One input per setting: SECRET as a password field, URL as a URL field, anything else as text. */
export function settingFields(specs: SettingSpecLike[]): FormField[] {
  return specs.map((spec) => ({ key: spec.key, label: spec.label, kind: SETTING_KINDS[spec.type] ?? "text",
    required: spec.required, help: spec.help, choices: [] }));
}

/** One input per criterion: a boolean is a checkbox; a criterion with choices (the connected
 * account's, else the spec's own) is a select; the rest free text. */
export function criterionFields(specs: CriterionSpecLike[], accountChoices: Record<string, ChoiceLike[]> = {}): FormField[] {
  return specs.map((spec) => {
    const choices = accountChoices[spec.key]?.length ? accountChoices[spec.key]
      : spec.choices.map((value) => ({ value, label: value }));
    const kind: FieldKind = spec.type === "boolean" ? "checkbox" : choices.length > 0 ? "select" : "text";
    return { key: spec.key, label: spec.label, kind, required: spec.required, help: spec.help,
      choices: kind === "select" ? choices : [] };
  });
}

/** Empty values for `fields`, with `current` (e.g. an import's criteria when editing) kept where it fits. */
export function initialValues(fields: FormField[], current: Record<string, unknown> = {}): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const given = current[field.key];
    if (field.kind === "checkbox") values[field.key] = given === true || given === "true";
    else values[field.key] = given === undefined || given === null ? "" : String(given);
  }
  return values;
}

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** What the page can say before asking the API: required values missing, an address that is not
 * one, a choice that is not offered. The API has the last word (its errors are shown the same way). */
export function validate(fields: FormField[], values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.kind === "checkbox") continue;
    const text = typeof value === "string" ? value.trim() : "";
    if (!text) {
      if (field.required) errors[field.key] = `Enter the ${field.label}.`;
      continue;
    }
    if (field.kind === "url" && !isWebAddress(text)) errors[field.key] = `The ${field.label} must be a web address starting with https://.`;
    if (field.kind === "select" && !field.choices.some((choice) => choice.value === text)) {
      errors[field.key] = `Pick one of the offered values for ${field.label}.`;
    }
  }
  return errors;
}

/** The JSON object the API takes: trimmed text, booleans as booleans, empty optional values left out
 * (a checkbox left unticked is left out too: "only ..." criteria then do not filter). */
export function toJson(fields: FormField[], values: FormValues): Record<string, string | boolean> {
  const json: Record<string, string | boolean> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.kind === "checkbox") {
      if (value === true) json[field.key] = true;
      continue;
    }
    const text = typeof value === "string" ? value.trim() : "";
    if (text) json[field.key] = text;
  }
  return json;
}

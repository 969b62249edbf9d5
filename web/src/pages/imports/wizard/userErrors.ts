/** The API's `userErrors` placed where they belong: at a field of a generated form
 * (`["settings", key]`, `["criteria", key]`), at a named input (`["name"]`), or for the step. */

export interface UserErrorLike { field?: string[] | null; code: string; message: string }

export interface PlacedErrors {
  /** By the field's key within `group`, or by the input's name for top-level fields. */
  fields: Record<string, string>;
  /** Errors no field of this form shows: shown for the step, never dropped. */
  step: string[];
}

/** Errors whose path starts with `group` (e.g. "criteria") go to that key; top-level ones in
 * `topLevel` (e.g. "name") to that name; everything else to the step. */
export function placeUserErrors(errors: UserErrorLike[], group: string | null, knownKeys: string[],
  topLevel: string[] = []): PlacedErrors {
  const placed: PlacedErrors = { fields: {}, step: [] };
  for (const error of errors) {
    const path = error.field ?? [];
    const key = group !== null && path[0] === group && path.length > 1 ? path[1]
      : path.length === 1 && topLevel.includes(path[0]) ? path[0] : null;
    if (key !== null && (knownKeys.includes(key) || topLevel.includes(key)) && !(key in placed.fields)) {
      placed.fields[key] = error.message;
    } else {
      placed.step.push(error.message);
    }
  }
  return placed;
}

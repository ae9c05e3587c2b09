/**
 * A form-encoded body as Express parses it (`extended: false`): strings, or arrays of strings for
 * a repeated field. Undefined when the request had no form body at all.
 */
export type FormFields = Partial<Record<string, string | string[]>> | undefined;

/** One field's text; a missing or repeated field reads as empty. */
export function formText(body: FormFields, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

/** What a form page needs to show itself again: the values typed and the errors per field. */
export interface FormView {
  next?: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** The login after deleting the account (`/login?deleted=1`) says that it is gone. */
  deleted?: boolean;
}

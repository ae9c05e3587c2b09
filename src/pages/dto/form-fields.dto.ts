/** A form-encoded body as Express parses it (`extended: false`): flat strings. */
export type FormFields = Partial<Record<string, string>>;

/** What a form page needs to show itself again: the values typed and the errors per field. */
export interface FormView {
  next?: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

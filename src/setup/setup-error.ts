/** A problem the setup step cannot solve alone; the message says what to set. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

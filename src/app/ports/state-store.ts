/**
 * The store of the bot's own state (PostgreSQL, with STATE_STORE=postgres) cannot be reached: the server is down,
 * restarting, or the connection to it broke. Nothing of the failed step was committed, so the person is told to
 * try again in a moment rather than shown a generic error. Adapters turn their connection-level failures into it;
 * the message names only the kind of failure (a code such as ECONNREFUSED or 57P01), never a URL or a password.
 */
export class StateStoreUnavailableError extends Error {
  override readonly name: string = 'StateStoreUnavailableError';
  constructor(
    /** What failed, in a word or a code: for the log. */
    readonly reason: string,
  ) {
    super(`The bot's state store is temporarily unavailable (${reason}).`);
  }
}

// Limits that more than one layer enforces, defined once so that they cannot drift apart.

/**
 * The longest chat command accepted once markup is gone (100 mailbox addresses fit comfortably). One limit
 * for typed commands and for the commands card buttons carry: a button runs its command as if it were typed,
 * so a command the parser accepts must fit on a button (a corrected multi-mailbox command), and the reverse.
 */
export const MAX_COMMAND_LENGTH = 4_000;

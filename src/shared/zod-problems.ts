// Turns zod issues into one line each, led by the JSON path of the offending value, so that a person
// editing a data or organization file (or sending a request) can go straight to it:
// `users[3].office365Roles[0]: Invalid option: …`. The one formatter for zod problems everywhere.
import type { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['users', 3, 'office365Roles', 0]` → `users[3].office365Roles[0]`; the empty path is `root`. */
export function formatJsonPath(path: readonly PropertyKey[], root = '(root)'): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? root : text;
}

const describeValue = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's own wording ("expected one of "A"|"B"") is terse; spell the choices out with spaces.
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option: expected one of')) {
    return `Invalid option: expected ${issue.values.map(describeValue).join(' | ')}`;
  }
  return issue.message;
}

export interface DescribeIssuesOptions {
  /**
   * What a problem with the whole value is said to be about (`environment`, `(request)`); `null` gives such a
   * problem as its message alone, for messages addressed to a person in chat. Default `(root)`.
   */
  readonly root?: string | null;
  /** Where the parsed value sits in a larger document: prepended to every path (`['approvalRequests']`). */
  readonly under?: readonly PropertyKey[];
}

/** One `path: problem` line per issue, in the order zod reports them. */
export function describeIssues(error: z.ZodError, options: DescribeIssuesOptions = {}): string[] {
  const { root = '(root)', under = [] } = options;
  return error.issues.map((issue) => {
    const path = [...under, ...issue.path];
    if (path.length === 0 && root === null) return describeIssue(issue);
    return `${formatJsonPath(path, root ?? '(root)')}: ${describeIssue(issue)}`;
  });
}

// Turns zod issues into one line each, led by the JSON path of the offending value, so that a person
// editing a data or organization file can go straight to it: `users[3].office365Roles[0]: Invalid option: …`.
import type { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['users', 3, 'office365Roles', 0]` → `users[3].office365Roles[0]`; the empty path is `(root)`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? '(root)' : text;
}

const describeValue = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's own wording ("expected one of "A"|"B"") is terse; spell the choices out with spaces.
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option: expected one of')) {
    return `Invalid option: expected ${issue.values.map(describeValue).join(' | ')}`;
  }
  return issue.message;
}

/** One `path: problem` line per issue, in the order zod reports them. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${describeIssue(issue)}`);
}

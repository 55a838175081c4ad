import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, formatJsonPath } from '../../src/shared/zod-problems.js';

const schema = z.object({ users: z.array(z.object({ role: z.enum(['Admin', 'User']) })), 'odd key': z.string().optional() });
const failure = (value: unknown): z.ZodError => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error;
};

describe('zod problems', () => {
  it('leads each problem with the JSON path of the offending value and spells choices out', () => {
    expect(describeIssues(failure({ users: [{ role: 'Admin' }, { role: 'Root' }], 'odd key': 1 }))).toEqual([
      'users[1].role: Invalid option: expected "Admin" | "User"',
      '["odd key"]: Invalid input: expected string, received number',
    ]);
    expect(formatJsonPath([])).toBe('(root)');
  });

  it('names a problem with the whole value as asked, or gives its message alone', () => {
    expect(describeIssues(failure('nope'), { root: 'environment' })).toEqual(['environment: Invalid input: expected object, received string']);
    expect(describeIssues(failure('nope'), { root: null })).toEqual(['Invalid input: expected object, received string']);
  });

  it('places the value inside a larger document', () => {
    expect(describeIssues(failure({ users: [{ role: 1 }] }), { under: ['organization', 2] })).toEqual([
      'organization[2].users[0].role: Invalid option: expected "Admin" | "User"',
    ]);
  });
});

// Dynamics product versions (`9.1.0.5805`) compare numerically, part by part: 9.2.22104.00170 > 9.1.0.5805.

const VERSION_PATTERN = /^\d+(\.\d+){1,3}$/;

export const isProductVersion = (text: string): boolean => VERSION_PATTERN.test(text);

/**
 * An organization has a handful of distinct versions, and Test & Enable compares them several times per mailbox:
 * parsing each time allocated some 20 MB for 10,000 mailboxes. Bounded, since versions come from outside.
 */
const parsedVersions = new Map<string, readonly number[]>();
const MAX_PARSED_VERSIONS = 256;

export function parseProductVersion(text: string): readonly number[] {
  const known = parsedVersions.get(text);
  if (known !== undefined) return known;
  if (!isProductVersion(text)) throw new RangeError(`"${text}" is not a product version like 9.1.0.5805`);
  const parts = Object.freeze(text.split('.').map((part) => Number.parseInt(part, 10)));
  if (parsedVersions.size >= MAX_PARSED_VERSIONS) parsedVersions.clear();
  parsedVersions.set(text, parts);
  return parts;
}

/** Negative when a < b, zero when equal, positive when a > b. Missing parts count as 0. */
export function compareProductVersions(a: string, b: string): number {
  const left = parseProductVersion(a);
  const right = parseProductVersion(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export const isAtLeastVersion = (version: string, minimum: string): boolean => compareProductVersions(version, minimum) >= 0;

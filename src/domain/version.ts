// Dynamics product versions (`9.1.0.5805`) compare numerically, part by part: 9.2.22104.00170 > 9.1.0.5805.

const VERSION_PATTERN = /^\d+(\.\d+){1,3}$/;

export const isProductVersion = (text: string): boolean => VERSION_PATTERN.test(text);

export function parseProductVersion(text: string): readonly number[] {
  if (!isProductVersion(text)) throw new RangeError(`"${text}" is not a product version like 9.1.0.5805`);
  return text.split('.').map((part) => Number.parseInt(part, 10));
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

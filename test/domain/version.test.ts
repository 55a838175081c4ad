import { describe, expect, it } from 'vitest';
import { compareProductVersions, isAtLeastVersion, parseProductVersion } from '../../src/domain/version.js';

describe('product versions', () => {
  it('compares numerically part by part, not as text', () => {
    expect(compareProductVersions('9.2.22104.00170', '9.1.0.5805')).toBeGreaterThan(0);
    expect(compareProductVersions('9.1.0.10000', '9.1.0.5805')).toBeGreaterThan(0);
    expect(compareProductVersions('9.1.0.5804', '9.1.0.5805')).toBeLessThan(0);
    expect(compareProductVersions('9.1', '9.1.0.0')).toBe(0);
  });
  it('treats leading zeros as numbers', () => {
    expect(isAtLeastVersion('9.2.22104.170', '9.2.22104.00170')).toBe(true);
    expect(isAtLeastVersion('9.2.22104.169', '9.2.22104.00170')).toBe(false);
  });
  it('rejects text that is not a version', () => {
    expect(() => parseProductVersion('nine')).toThrow(/not a product version/);
  });
});

import { describe, expect, it } from 'vitest';
import { renderSyncHealthCard, type SyncHealthView } from '../../src/cards/sync-health-card.js';
import { byteSize, cardProblems, cardText, collectNodes, unboundBindings } from './card-inspection.js';

const sample: SyncHealthView = {
  organizationName: 'Contoso',
  activeMailboxes: 11,
  byHealth: { working: 5, failing: 3, retrying: 1, blocked: 1, notTested: 1 },
  byCause: [{ cause: 'anotherPrimaryOrganization', count: 2 }, { cause: 'credentials', count: 1 }, { cause: 'notApproved', count: 1 }],
  failingLongest: [
    { mailboxId: 'm-otto', name: 'Otto Owner', emailAddress: 'otto@contoso.com', cause: 'anotherPrimaryOrganization', summary: '', failingSince: '2026-11-28T09:00:00Z' },
    { mailboxId: 'm-sup', name: 'Support', emailAddress: 'support@contoso.com', cause: 'credentials', summary: '', failingSince: null },
  ],
  lastTestCompletedOn: '2026-12-06T08:00:00Z',
  neverTested: 1,
  pendingApprovals: [{ mailboxId: 'm-pia', name: 'Pia Pending', emailAddress: 'pia@contoso.com', requestedOn: '2026-12-02T12:00:00Z', ageDays: 4 }],
  trend: ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'].map((day, index) => ({ day, succeeded: index, failed: 6 - index })),
};

describe('renderSyncHealthCard', () => {
  it('is a clean 1.5 card for the SDK, under Teams size limits, with every binding filled', () => {
    const card = renderSyncHealthCard(sample);
    expect(cardProblems(card)).toEqual([]);
    expect(unboundBindings(card)).toEqual([]);
    expect(byteSize(card)).toBeLessThan(28 * 1024);
  });

  it('shows counts by health, causes in words, the longest failing, and pending approvals with their age', () => {
    const text = cardText(renderSyncHealthCard(sample));
    for (const expected of ['Working', 'Failing', 'Retrying', 'Blocked', 'Not tested', 'Synced with another organization', 'Otto Owner', 'Support', 'Pia Pending', '4 days', 'Waiting for approval (1)']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/anotherPrimaryOrganization|notApproved/);
  });

  it('draws the seven-day trend as a Teams chart, with the same numbers as text where charts are not shown', () => {
    const card = renderSyncHealthCard(sample);
    const [chart] = collectNodes(card.body).filter((node) => node.type === 'Chart.VerticalBar.Grouped');
    expect(chart).toBeDefined();
    const series = (chart?.data ?? []) as { legend: string; values: { x: string; y: number }[] }[];
    expect(series.map((entry) => [entry.legend, entry.values.map((value) => value.y)])).toEqual([
      ['Succeeded', [0, 1, 2, 3, 4, 5, 6]],
      ['Failed', [6, 5, 4, 3, 2, 1, 0]],
    ]);
    const fallbackFacts = collectNodes(chart?.fallback).filter((node) => typeof node.title === 'string').map((node) => node.value);
    expect(fallbackFacts).toEqual(sample.trend.map((day) => `${day.succeeded} succeeded, ${day.failed} failed`));
  });

  it('colours health with container styles (themed by Teams), never with text colours', () => {
    const card = renderSyncHealthCard(sample);
    const tiles = collectNodes(card.body).filter((node) => node.type === 'Column');
    expect(tiles.map((tile) => tile.style)).toEqual(['good', 'attention', 'warning', 'warning', 'emphasis']);
    expect(collectNodes(card.body).filter((node) => node.color !== undefined)).toEqual([]);
  });

  it('would be reported if a chart lost its fallback (the chart check can fail)', () => {
    const card = renderSyncHealthCard(sample);
    const broken = JSON.parse(JSON.stringify(card).replace(/"fallback":\{"type":"FactSet"/, '"fallbock":{"type":"FactSet"')) as typeof card;
    expect(cardProblems(broken).join('\n')).toMatch(/Chart Chart\.VerticalBar\.Grouped/);
  });

  it('says so when nothing is failing or waiting, instead of showing empty tables', () => {
    const card = renderSyncHealthCard({ ...sample, byCause: [], failingLongest: [], pendingApprovals: [], lastTestCompletedOn: null });
    expect(cardProblems(card)).toEqual([]);
    expect(collectNodes(card.body).filter((node) => node.type === 'Table')).toEqual([]);
    expect(cardText(card)).toContain('no test has completed yet');
  });
});

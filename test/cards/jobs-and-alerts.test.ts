import { describe, expect, it } from 'vitest';
import { MAX_ALERTS_PER_CARD, renderAlertsWallCard } from '../../src/cards/alerts-wall-card.js';
import { MAX_AUDIT_ENTRIES_PER_CARD, renderAuditListCard } from '../../src/cards/audit-list-card.js';
import { renderJobProgressCard } from '../../src/cards/job-progress-card.js';
import { renderMailboxAlertCard } from '../../src/cards/mailbox-alert-card.js';
import type { AdaptiveCardJson } from '../../src/cards/card-json.js';
import { byteSize, cardProblems, cardText, collectNodes, executeActions, visibleTexts } from './card-inspection.js';
import {
  manyAlerts,
  manyAuditEntries,
  sampleAlertsWall,
  sampleAuditList,
  sampleJobDone,
  sampleJobRunning,
  sampleMailboxAlertFailed,
  sampleMailboxAlertSucceeded,
} from './samples.js';

function factValue(card: AdaptiveCardJson, title: string): string | undefined {
  const found = collectNodes(card.body).find((node) => node.title === title && typeof node.value === 'string');
  return typeof found?.value === 'string' ? found.value : undefined;
}

describe('renderJobProgressCard', () => {
  it('counts a mailbox that will be tried again apart from the failures, under its own heading', () => {
    const [first, ...rest] = sampleJobDone.failures;
    if (first === undefined) throw new Error('the sample job has no failure');
    const card = renderJobProgressCard({ ...sampleJobDone, failures: [{ ...first, willRetry: true }, ...rest] });
    const texts = visibleTexts(card);
    expect(cardText(card)).toContain(`${sampleJobDone.succeeded} succeeded, 1 will try again, ${sampleJobDone.failed - 1} failed`);
    expect(texts).toContain('Will try again (1)');
    expect(texts).toContain(`Failed (${sampleJobDone.failed - 1})`);
  });

  it('shows a queued job that has not started', () => {
    const card = renderJobProgressCard({ ...sampleJobRunning, status: 'queued', tested: 0, succeeded: 0, failed: 0, startedAt: null });
    expect(visibleTexts(card).slice(1, 3)).toEqual(['Queued', '0 of 120 mailboxes tested (0%)']);
    expect(factValue(card, 'Started')).toBe('Not yet');
  });

  it('shows a running job with tested, succeeded, failed and total counts', () => {
    const card = renderJobProgressCard(sampleJobRunning);
    expect(visibleTexts(card).slice(1, 3)).toEqual(['Running', '40 of 120 mailboxes tested (33%)']);
    expect([factValue(card, 'Tested'), factValue(card, 'Succeeded'), factValue(card, 'Failed')]).toEqual(['40 of 120', '37', '3']);
    expect(factValue(card, 'Completed')).toBeUndefined();
    expect(cardText(card)).not.toContain('Failed (');
    expect(executeActions(card).map((action) => action.data)).toEqual([{ command: 'job status job-2025-03-01-0007' }]);
  });

  it('sums up a finished job with each failed mailbox and its reason', () => {
    const card = renderJobProgressCard(sampleJobDone);
    const texts = visibleTexts(card);
    expect(texts[1]).toBe('Done');
    expect(texts).toContain('117 succeeded, 3 failed.');
    expect(texts).toContain('Failed (3)');
    const payroll = texts.indexOf('**Payroll** (payroll@contoso.com)');
    expect(texts[payroll + 1]).toBe('Email address is not approved and the mailbox has been disabled.');
    expect(factValue(card, 'Completed')).toBe('2025-03-01 10:04 UTC');
    expect(card.fallbackText).toContain('Failed: Payroll (Email address is not approved and the mailbox has been disabled.)');
  });

  it('states how many failures a long job does not show, and how to list them', () => {
    const failures = Array.from({ length: 300 }, (_, index) => ({ mailboxName: `Mailbox ${index}`, emailAddress: `m${index}@contoso.com`, reason: 'ConnectFailure' }));
    const card = renderJobProgressCard({ ...sampleJobDone, total: 5_000, tested: 5_000, succeeded: 4_700, failed: 300, failures });
    expect(cardText(card)).toContain('280 failed mailboxes are not shown. To list them, type **list mailboxes failed --profile "Microsoft Exchange Online"**.');
    expect(byteSize(card)).toBeLessThan(28 * 1024);
    expect(cardProblems(card)).toEqual([]);
  });

  it('refuses counts that do not add up, or a finished job that does not list every failure', () => {
    expect(() => renderJobProgressCard({ ...sampleJobRunning, succeeded: 30 })).toThrow('succeeded (30) + failed (3) must equal tested (40)');
    expect(() => renderJobProgressCard({ ...sampleJobRunning, tested: 121, succeeded: 118 })).toThrow('tested 121 of only 120');
    expect(() => renderJobProgressCard({ ...sampleJobDone, failures: [] })).toThrow('must list every failure: it lists 0 of 3');
  });
});

describe('renderMailboxAlertCard', () => {
  it('tells the owner the mailbox is connected, with the level and each test result', () => {
    const card = renderMailboxAlertCard(sampleMailboxAlertSucceeded);
    expect(visibleTexts(card)[0]).toBe('Your mailbox is now connected to Dynamics 365');
    expect(factValue(card, 'Level')).toBe('Information');
    expect(factValue(card, 'Outgoing email')).toBe('Success');
    expect(cardText(card)).not.toContain('What to do');
  });

  it('tells the owner what failed and what to do, step by step', () => {
    const card = renderMailboxAlertCard(sampleMailboxAlertFailed);
    const texts = visibleTexts(card);
    expect(texts[0]).toBe('Your mailbox could not be connected to Dynamics 365');
    expect(factValue(card, 'Level')).toBe('Error');
    expect(texts).toEqual(expect.arrayContaining(['What to do', '2. Then run Test & Enable on the mailbox again.']));
    expect(collectNodes(card.body).find((node) => node.text === texts[0])?.color).toBe('Attention');
    expect(card.fallbackText).toContain('What to do: Ask an approver');
  });
});

describe('renderAlertsWallCard', () => {
  it('lists each alert with its level, time and text, newest first', () => {
    const texts = visibleTexts(renderAlertsWallCard(sampleAlertsWall));
    expect(texts.slice(0, 4)).toEqual([
      'Alerts: Sales Inbox',
      'Mailbox · 3 alerts',
      'Warning · 2025-03-01 10:15 UTC',
      'An error occurred in sending email while connecting to the email server. Web server returned ConnectFailure. Dynamics 365 will try to send email again later.',
    ]);
    expect(texts).toContain('Error · 2025-02-28 17:40 UTC');
  });

  it(`shows the ${MAX_ALERTS_PER_CARD} most recent alerts and says how many older ones are not shown`, () => {
    const card = renderAlertsWallCard({ regarding: { type: 'emailserverprofile', name: 'Microsoft Exchange Online' }, alerts: manyAlerts(25), total: 140 });
    const texts = visibleTexts(card);
    expect(texts[1]).toBe(`Email server profile · showing the ${MAX_ALERTS_PER_CARD} most recent of 140 alerts`);
    expect(texts.filter((text) => text.startsWith('Warning · '))).toHaveLength(MAX_ALERTS_PER_CARD);
    expect(texts).toContain('120 older alerts are not shown; the full wall is on the email server profile in Dynamics 365 (Common › Alerts).');
    expect(byteSize(card)).toBeLessThan(28 * 1024);
  });

  it('says when there are no alerts', () => {
    const card = renderAlertsWallCard({ regarding: { type: 'mailbox', name: 'Quiet' }, alerts: [], total: 0 });
    expect(visibleTexts(card)).toContain('No alerts.');
    expect(cardProblems(card)).toEqual([]);
  });
});

describe('renderAuditListCard', () => {
  it('shows who did what to which record, under which rule, and when', () => {
    const texts = visibleTexts(renderAuditListCard(sampleAuditList));
    expect(texts).toContain('**Ada Admin** · Approved email address · Sales Inbox (mailbox)');
    expect(texts).toContain('2025-03-01 10:01 UTC · rule: seed2019:ce-online/exchange-online:exchange-admin+system-admin');
    expect(texts).toContain('emailrouteraccessapproval: Pending Approval → Approved');
    expect(texts).toContain('2025-03-01 09:00 UTC · rule: none');
  });

  it(`shows the ${MAX_AUDIT_ENTRIES_PER_CARD} most recent entries and says how many older ones are not shown`, () => {
    const card = renderAuditListCard({ entries: manyAuditEntries(50), total: 1_234 });
    expect(visibleTexts(card)[1]).toBe(`Showing the ${MAX_AUDIT_ENTRIES_PER_CARD} most recent of 1,234 entries`);
    expect(cardText(card)).toContain('1,214 older entries are not shown.');
    expect(byteSize(card)).toBeLessThan(28 * 1024);
  });

  it('refuses a total smaller than the entries it was given', () => {
    expect(() => renderAuditListCard({ entries: manyAuditEntries(5), total: 2 })).toThrow('Audit total (2) is less than the 5 entries given');
  });
});

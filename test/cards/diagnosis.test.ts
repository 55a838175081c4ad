import { describe, expect, it } from 'vitest';
import { fixButton, MAX_DIAGNOSIS_ALERTS, renderDiagnosisCard } from '../../src/cards/diagnosis-card.js';
import { sampleDiagnosis } from '../../src/cards/samples.js';
import { AlertLevel } from '../../src/domain/options.js';
import { byteSize, cardProblems, cardText, collectNodes, executeActions, unboundBindings } from './card-inspection.js';

describe('renderDiagnosisCard', () => {
  it('is a clean 1.5 card with every binding filled', () => {
    const card = renderDiagnosisCard(sampleDiagnosis);
    expect(cardProblems(card)).toEqual([]);
    expect(unboundBindings(card)).toEqual([]);
    expect(byteSize(card)).toBeLessThan(28 * 1024);
  });

  it('leads with what is wrong and what to do, in words, without internal codes', () => {
    const text = cardText(renderDiagnosisCard(sampleDiagnosis));
    expect(text).toContain('Otto Owner is not working');
    expect(text).toContain('Likely cause');
    expect(text).toContain('Exchange synchronizes this mailbox with another Dynamics 365 organization.');
    expect(text).toContain('Sync items with Exchange from this org only');
    expect(text).not.toMatch(/anotherPrimaryOrganization|ActConfiguredWithAnotherOrganization/);
  });

  it('offers the fix first, as the exact command the bot will preview', () => {
    const actions = executeActions(renderDiagnosisCard(sampleDiagnosis));
    expect(actions[0]).toMatchObject({ title: 'Sync from this org only', data: { command: 'sync from this org only otto@contoso.com on' } });
  });

  it('shows at most the three newest alerts, newest first', () => {
    const alerts = Array.from({ length: 5 }, (_, index) => ({ level: AlertLevel.Error, text: `alert number ${index}`, createdOn: `2026-12-0${index + 1}T00:00:00Z` }));
    const text = cardText(renderDiagnosisCard({ ...sampleDiagnosis, latestAlerts: alerts }));
    const shown = alerts.map((alert) => alert.text).filter((line) => text.includes(line));
    expect(shown).toEqual(['alert number 2', 'alert number 3', 'alert number 4']);
    expect(shown).toHaveLength(MAX_DIAGNOSIS_ALERTS);
    expect(text.indexOf('alert number 4')).toBeLessThan(text.indexOf('alert number 2'));
  });

  it('says a working mailbox works, with no cause and no fix', () => {
    const card = renderDiagnosisCard({ ...sampleDiagnosis, health: 'working', causes: [], fix: undefined, actions: [] });
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Otto Owner is working');
    expect(cardText(card)).not.toContain('Likely cause');
    expect(collectNodes(card.body).filter((node) => node.type === 'ActionSet')).toEqual([]);
  });

  it('turns every fix into the command that makes it', () => {
    expect(fixButton({ kind: 'approve', label: 'Approve email address' }, 'pia@contoso.com')).toEqual({ title: 'Approve email address', command: 'approve mailbox pia@contoso.com' });
    expect(fixButton({ kind: 'testAgain', label: 'Test again' }, 'pia@contoso.com').command).toBe('test mailbox pia@contoso.com');
    expect(fixButton({ kind: 'applyDefaults', label: 'Apply default settings' }, 'pia@contoso.com').command).toBe('apply default settings to pia@contoso.com');
  });
});

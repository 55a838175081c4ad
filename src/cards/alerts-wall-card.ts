import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { clip, countOf, escapeMarkdown, formatCount, formatUtc } from './format.js';
import { alertLevelColor, alertLevelText, type TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { AlertsWallView } from './view-models.js';

export const MAX_ALERTS_PER_CARD = 20;
/** `tracelog.text` holds up to 2,000 characters; the wall shows the start, the mailbox card the rest. */
const MAX_ALERT_TEXT_LENGTH = 500;

interface AlertsWallCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly title: string;
  readonly subtitle: string;
  readonly hasAlerts: boolean;
  readonly alerts: readonly { readonly heading: string; readonly color: TextColor; readonly text: string }[];
  readonly hasHidden: boolean;
  readonly hiddenText: string;
}

const template = loadCardTemplate<AlertsWallCardData>('alerts-wall');

/** The Alerts wall of a mailbox or profile: level, time and text, newest first; states what is not shown. */
export function renderAlertsWallCard(view: AlertsWallView): AdaptiveCardJson {
  if (view.total < view.alerts.length) throw new RangeError(`Alerts wall total (${view.total}) is less than the ${view.alerts.length} alerts given`);
  const shown = view.alerts.slice(0, MAX_ALERTS_PER_CARD);
  const hidden = view.total - shown.length;
  const kind = view.regarding.type === 'mailbox' ? 'Mailbox' : 'Email server profile';
  const subtitle =
    hidden > 0
      ? `${kind} · showing the ${formatCount(shown.length)} most recent of ${countOf(view.total, 'alert')}`
      : `${kind} · ${countOf(view.total, 'alert')}`;
  const newest = shown[0];
  return template.expand({
    fallbackText:
      `Alerts for ${view.regarding.name}: ${countOf(view.total, 'alert')}.` +
      (newest === undefined ? '' : ` Latest (${alertLevelText(newest.level)}, ${formatUtc(newest.createdOn)}): ${clip(newest.text, 200)}`),
    title: `Alerts: ${escapeMarkdown(view.regarding.name)}`,
    subtitle,
    hasAlerts: shown.length > 0,
    alerts: shown.map((alert) => ({
      heading: `${alertLevelText(alert.level)} · ${formatUtc(alert.createdOn)}`,
      color: alertLevelColor[alert.level],
      text: escapeMarkdown(clip(alert.text, MAX_ALERT_TEXT_LENGTH)),
    })),
    hasHidden: hidden > 0,
    hiddenText: `${countOf(hidden, 'older alert is', 'older alerts are')} not shown; the full wall is on the ${kind.toLowerCase()} in Dynamics 365 (Common › Alerts).`,
    ...toButtonSet(view.actions, 'alerts wall'),
  });
}

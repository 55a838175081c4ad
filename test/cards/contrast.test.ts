// Every text of every gallery card, in the container style it sits in, keeps WCAG AA contrast (4.5:1) on the
// Teams light, dark and high-contrast themes: statuses are said in words, emphasis uses container styles.
import { describe, expect, it } from 'vitest';
import { cardGallery } from '../../src/cards/samples.js';
import { AA_NORMAL_TEXT, contrastRatio, teamsThemes, type ContainerStyle, type ForegroundColor } from './teams-themes.js';

interface PlacedText {
  readonly text: string;
  readonly color: ForegroundColor;
  readonly subtle: boolean;
  readonly style: ContainerStyle;
}

const containerStyles: readonly ContainerStyle[] = ['default', 'emphasis', 'good', 'attention', 'warning', 'accent'];
const foregroundColors: readonly ForegroundColor[] = ['default', 'dark', 'light', 'accent', 'good', 'warning', 'attention'];
const containerStyleOf = (value: unknown): ContainerStyle | undefined => containerStyles.find((style) => typeof value === 'string' && value.toLowerCase() === style);
const foregroundOf = (value: unknown): ForegroundColor | undefined => (value === undefined ? 'default' : foregroundColors.find((color) => typeof value === 'string' && value.toLowerCase() === color));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Texts with the colour asked for and the nearest enclosing container style (TableRow, Column and Container styles count). */
function placedTexts(value: unknown, style: ContainerStyle): PlacedText[] {
  if (Array.isArray(value)) return value.flatMap((item) => placedTexts(item, style));
  if (!isRecord(value)) return [];
  const here = (value.type === 'TextBlock' ? undefined : containerStyleOf(value.style)) ?? style;
  const found: PlacedText[] = [];
  if ((value.type === 'TextBlock' || value.type === 'TextRun') && typeof value.text === 'string') {
    const color = foregroundOf(value.color);
    if (color === undefined) throw new Error(`unknown colour ${String(value.color)} on “${value.text}”`);
    found.push({ text: value.text, color, subtle: value.isSubtle === true, style: here });
  }
  for (const child of Object.values(value)) found.push(...placedTexts(child, here));
  return found;
}

describe('WCAG contrast ratios', () => {
  it('computes the known ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
  });

  it('finds the problem the issue saw: Good and Warning text fail on Teams light containers', () => {
    const light = teamsThemes.find((theme) => theme.name === 'light');
    if (light === undefined) throw new Error('no light theme');
    expect(contrastRatio(light.foregrounds.good.normal, light.backgrounds.good)).toBeLessThan(AA_NORMAL_TEXT);
    expect(contrastRatio(light.foregrounds.warning.normal, light.backgrounds.default)).toBeLessThan(AA_NORMAL_TEXT);
  });
});

describe.each(cardGallery.map((entry) => [entry.name, entry] as const))('the %s card', (_name, entry) => {
  const texts = placedTexts(entry.render().body, 'default');

  it.each(teamsThemes.map((theme) => [theme.name, theme] as const))('keeps AA contrast for every text on the %s theme', (_theme, theme) => {
    const failing = texts.flatMap((placed) => {
      const foreground = theme.foregrounds[placed.color];
      const ratio = contrastRatio(placed.subtle ? foreground.subtle : foreground.normal, theme.backgrounds[placed.style]);
      return ratio >= AA_NORMAL_TEXT ? [] : [`“${placed.text.slice(0, 60)}” ${placed.color}${placed.subtle ? ' subtle' : ''} on ${placed.style}: ${ratio.toFixed(2)}`];
    });
    expect(failing).toEqual([]);
  });
});

// The colours Teams draws Adaptive Cards with, per theme, for contrast checks. Light and dark follow the
// Fluent 2 Teams themes as the Teams clients render cards (Good text is a light green, Warning a yellow);
// high contrast is the Teams high-contrast theme (black, white and saturated accents). They are a model of the
// host, not the host itself: what the checks prove is that no card relies on a colour that fails on any of them.

export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
export type ForegroundColor = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';

export interface TeamsTheme {
  readonly name: string;
  readonly backgrounds: Readonly<Record<ContainerStyle, string>>;
  readonly foregrounds: Readonly<Record<ForegroundColor, { readonly normal: string; readonly subtle: string }>>;
}

const pair = (normal: string, subtle: string) => ({ normal, subtle });

export const teamsThemes: readonly TeamsTheme[] = [
  {
    name: 'light',
    backgrounds: { default: '#ffffff', emphasis: '#f5f5f5', good: '#e7f2da', attention: '#fcf4f6', warning: '#fbf6d9', accent: '#e8ebfa' },
    foregrounds: {
      default: pair('#242424', '#616161'),
      dark: pair('#242424', '#616161'),
      light: pair('#ffffff', '#f5f5f5'),
      accent: pair('#4f52b2', '#5b5fc7'),
      good: pair('#92c353', '#92c353'),
      warning: pair('#f8d22a', '#f8d22a'),
      attention: pair('#c4314b', '#c4314b'),
    },
  },
  {
    name: 'dark',
    backgrounds: { default: '#292929', emphasis: '#1f1f1f', good: '#0d2e0d', attention: '#3e1f25', warning: '#463100', accent: '#2f2f4a' },
    foregrounds: {
      default: pair('#ffffff', '#d6d6d6'),
      dark: pair('#ffffff', '#d6d6d6'),
      light: pair('#ffffff', '#d6d6d6'),
      accent: pair('#aaacff', '#aaacff'),
      good: pair('#92c353', '#92c353'),
      warning: pair('#f8d22a', '#f8d22a'),
      attention: pair('#ff8c9c', '#ff8c9c'),
    },
  },
  {
    name: 'high contrast',
    backgrounds: { default: '#000000', emphasis: '#000000', good: '#000000', attention: '#000000', warning: '#000000', accent: '#000000' },
    foregrounds: {
      default: pair('#ffffff', '#ffffff'),
      dark: pair('#ffffff', '#ffffff'),
      light: pair('#ffffff', '#ffffff'),
      accent: pair('#1aebff', '#1aebff'),
      good: pair('#3ff23f', '#3ff23f'),
      warning: pair('#ffff01', '#ffff01'),
      attention: pair('#ff9a9a', '#ff9a9a'),
    },
  },
];

/** WCAG 2.x relative luminance of an sRGB colour written #rrggbb. */
export function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (match === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [match[1], match[2], match[3]].map((part) => {
    const channel = Number.parseInt(part ?? '0', 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** WCAG contrast ratio, from 1 (same colour) to 21 (black on white). */
export function contrastRatio(foreground: string, background: string): number {
  const [lighter, darker] = [relativeLuminance(foreground), relativeLuminance(background)].sort((a, b) => b - a);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}

/** WCAG AA for normal-size text. */
export const AA_NORMAL_TEXT = 4.5;

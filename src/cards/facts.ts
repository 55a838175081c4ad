import { escapeMarkdown } from './format.js';

/** One FactSet row as template data. */
export interface FactData {
  readonly title: string;
  readonly value: string;
}

/** A fact whose title and value are shown literally (FactSet values are Markdown in Teams). */
export const fact = (title: string, value: string): FactData => ({ title: escapeMarkdown(title), value: escapeMarkdown(value) });

/** Text lines as template data (`$data` over objects keeps the bindings readable: `${text}`). */
export interface LineData {
  readonly text: string;
}

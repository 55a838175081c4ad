// The few entry points of nlp.js (plain JavaScript, no typings) that intent-model.ts uses. What `process`
// returns is parsed with zod there, so these declarations only describe the calls.
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
    registerConfiguration(tag: string, configuration: Record<string, unknown>, overwrite: boolean): void;
  }
  export function containerBootstrap(): Promise<Container>;
}
declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}
declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';
  export class Nlp {
    constructor(settings: { container: Container; autoSave: boolean; autoLoad: boolean; threshold: number });
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<unknown>;
  }
}

// The Agents Playground's web UI as a user sees it: chats in a tree on the left, messages in the middle,
// a composer at the bottom. The playground's markup has few semantic hooks, so every selector lives here.
// Checked against @microsoft/m365agentsplayground 0.2.28.
import type { Locator, Page } from 'playwright-core';

const SELECTORS = {
  /** The Lexical editor the user types into. */
  composer: '[contenteditable="true"][role="textbox"]',
  /** One bubble per bot message; a card message holds the rendered Adaptive Card. */
  botMessage: '.fai-OutputCard',
  adaptiveCard: '.ac-adaptiveCard',
  logPanelToggle: 'button[title="Toggle Log Panel"]',
} as const;

export interface ReplyWait {
  /** Text the reply must show (substring or pattern). */
  readonly showing: string | RegExp;
  readonly timeoutMs?: number;
}

const matches = (text: string, wanted: string | RegExp): boolean => (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text));

export class ChatPage {
  private constructor(readonly page: Page) {}

  /** Loads the playground UI and waits until the composer is usable (parsing its 9 MB bundle takes a while). */
  static async open(page: Page, url: string): Promise<ChatPage> {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator(SELECTORS.composer).waitFor({ state: 'visible', timeout: 90_000 });
    return new ChatPage(page);
  }

  /** The log panel takes a third of the width; screenshots read better without it. */
  async hideLogPanel(): Promise<void> {
    const panelHeading = this.page.getByText('Log Panel', { exact: true });
    if (!(await panelHeading.isVisible())) return;
    await this.page.locator(SELECTORS.logPanelToggle).click();
    await panelHeading.waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Opens a chat or channel from the list on the left, by the name shown there. */
  async openChat(name: string): Promise<void> {
    await this.page.getByRole('treeitem', { name }).first().click();
    await this.page.locator(SELECTORS.composer).waitFor({ state: 'visible' });
  }

  botMessages(): Locator {
    return this.page.locator(SELECTORS.botMessage);
  }

  async botMessageCount(): Promise<number> {
    return this.botMessages().count();
  }

  /** Types a message the way a person does and sends it with Enter; waits until it shows in the chat. */
  async send(text: string): Promise<void> {
    const composer = this.page.locator(SELECTORS.composer);
    await composer.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
    await this.sentMessage(text).waitFor({ state: 'visible', timeout: 10_000 });
  }

  /**
   * Waits for a bot message, among those after the first `after` ones, whose visible text shows what is
   * wanted; returns it. Fails with every new message's text, so a wrong reply is easy to read.
   */
  async waitForReply(after: number, wait: ReplyWait): Promise<Locator> {
    const deadline = Date.now() + (wait.timeoutMs ?? 30_000);
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = (await this.botMessages().allInnerTexts()).slice(after);
      const index = seen.findIndex((text) => matches(text, wait.showing));
      if (index >= 0) {
        const reply = this.botMessages().nth(after + index);
        await reply.scrollIntoViewIfNeeded();
        return reply;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No bot message showed ${String(wait.showing)} within ${wait.timeoutMs ?? 30_000} ms. New messages:\n${seen.map((text) => `---\n${text}`).join('\n') || '(none)'}`);
  }

  /** Sends a message and waits for the reply that shows `wait.showing`. */
  async ask(text: string, wait: ReplyWait): Promise<Locator> {
    const before = await this.botMessageCount();
    await this.send(text);
    return this.waitForReply(before, wait);
  }

  /** Waits until a message's text shows what is wanted (cards change in place after a click or an update). */
  async waitUntilShows(message: Locator, wanted: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await message.innerText();
      if (matches(text, wanted)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`The message never showed ${String(wanted)} within ${timeoutMs} ms. It shows:\n${text}`);
  }

  /** The text of the Adaptive Card in a message, without the playground's notes under it. */
  async cardText(message: Locator): Promise<string> {
    return message.locator(SELECTORS.adaptiveCard).first().innerText();
  }

  /** A button on a card, by its title. */
  button(message: Locator, title: string | RegExp): Locator {
    return message.getByRole('button', { name: title });
  }

  /** The user's own bubble with this text, the last one if they sent it more than once (never a bot message). */
  sentMessage(text: string): Locator {
    if (text.includes('"')) throw new Error(`Cannot look up a sent message with a double quote in it: ${text}`);
    return this.page.locator(`xpath=//span[normalize-space(.)="${text}"][not(ancestor::*[contains(@class, "fai-OutputCard")])]`).last();
  }

  /**
   * Saves what the user sees. `from` scrolls that element to the top of the chat first, so a screenshot starts
   * at the question rather than at the bottom of a long card.
   */
  async screenshot(path: string, options: { from?: Locator } = {}): Promise<void> {
    const from = options.from;
    if (from !== undefined) {
      // Scroll the way a person does, with the wheel over the chat: the chat keeps itself pinned to the
      // bottom and undoes programmatic scrolling. Stop when the element sits just under the title bar.
      const viewport = this.page.viewportSize() ?? { width: 1280, height: 800 };
      await this.page.mouse.move(viewport.width / 2, viewport.height / 2);
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const box = await from.boundingBox();
        if (box === null || (box.y >= 56 && box.y < 160)) break;
        await this.page.mouse.wheel(0, box.y - 80);
        await this.page.waitForTimeout(250);
      }
    }
    // Let the chat finish scrolling and the card finish laying out.
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path, animations: 'disabled' });
  }
}

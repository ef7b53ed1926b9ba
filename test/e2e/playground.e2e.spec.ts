import { AppProcess } from '../support/app-process';
import { describeWithChromium, HeadlessChromium, type ChromiumPage } from '../support/headless-chromium';
import { eventually } from '../support/poll';

/** What the page shows: its text and whether GraphiQL is on it. */
interface PageState {
  text: string;
  graphiql: boolean;
}

const STATE = `({ text: document.body ? document.body.innerText : '', graphiql: Boolean(document.querySelector('.graphiql-container')) })`;

/**
 * Clicks the first element matching `selector` whose trimmed text is `text`; true when found.
 * Evaluated in the page, so it is a string.
 */
const click = (selector: string, text: string) => `(() => {
  const element = [...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.textContent.trim() === ${JSON.stringify(text)});
  if (!element) return false;
  element.click();
  return true;
})()`;

/** The docs explorer's text, or '' while it is not shown. */
const DOCS = `(document.querySelector('.graphiql-doc-explorer') || { innerText: '' }).innerText`;

/**
 * The GraphiQL playground in a real browser (headless Chromium over CDP) on the built app: the
 * page loads its schema by introspection, which the query limits once refused ("depth 15
 * exceeds 8"), leaving the docs explorer empty.
 */
describeWithChromium('playground in a real browser (headless Chromium)', (binary) => {
  let browser: HeadlessChromium;

  beforeAll(async () => {
    browser = await HeadlessChromium.launch(binary);
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('development defaults', () => {
    let app: AppProcess;
    let page: ChromiumPage;

    beforeAll(async () => {
      app = await AppProcess.start();
      page = await browser.open(`${app.baseUrl}/graphql`);
    });

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    const docs = (expected: string, description: string) =>
      eventually(description, async () => {
        const text = await page.evaluate<string>(DOCS);
        return text.includes(expected) ? text : undefined;
      }).catch(async (error: unknown) => {
        // What the page showed instead (GraphiQL puts a schema error in the docs explorer).
        const file = await page.screenshot('playground-failure');
        throw new Error(`${String(error)}\npage text: ${(await page.evaluate<PageState>(STATE)).text.slice(0, 1000)}\nscreenshot: ${file}`);
      });
    const clickUntilFound = (selector: string, text: string) =>
      eventually(`a "${text}" link to click`, async () => ((await page.evaluate<boolean>(click(selector, text))) ? true : undefined));

    it('opens GraphiQL, lists Query and Mutation in the docs explorer, and leads to createShipment and Shipment', async () => {
      await eventually('GraphiQL to render', async () => ((await page.evaluate<PageState>(STATE)).graphiql ? true : undefined));
      // The sidebar button that opens the docs explorer; GraphiQL names it for screen readers.
      await eventually('the docs explorer button', async () =>
        (await page.evaluate<boolean>(`(() => {
          const button = document.querySelector('[aria-label="Show Documentation Explorer"]');
          if (!button) return false;
          button.click();
          return true;
        })()`))
          ? true
          : undefined,
      );
      const root = await docs('Mutation', 'the docs explorer to list the root types');
      expect(root).toContain('Query');
      await clickUntilFound('a.graphiql-doc-explorer-type-name', 'Mutation');
      await docs('createShipment', "the Mutation type's fields");
      await clickUntilFound('a.graphiql-doc-explorer-field-name', 'createShipment');
      await docs('Shipment', "createShipment's type");
      await clickUntilFound('a.graphiql-doc-explorer-type-name', 'Shipment');
      const shipment = await docs('trackingNumber', "the Shipment type's fields");
      expect(shipment).toContain('Shipment');
      const file = await page.screenshot('playground-docs-explorer');
      const state = await page.evaluate<PageState>(STATE);
      // The failure this replaces: GraphiQL's "Error fetching schema" with our refusal in it.
      expect(state.text).not.toMatch(/refused|Error fetching|INTERNAL_SERVER_ERROR|BAD_USER_INPUT/i);
      process.stderr.write(`playground screenshot: ${file}\n`);
    });
  });

  describe('NODE_ENV=production', () => {
    let app: AppProcess;

    beforeAll(async () => {
      app = await AppProcess.start({ NODE_ENV: 'production' });
    });

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it('serves no GraphiQL page, and refuses the introspection query a playground would send', async () => {
      const page = await browser.open(`${app.baseUrl}/graphql`);
      const state = await page.evaluate<PageState>(STATE);
      expect(state.graphiql).toBe(false);
      expect(state.text).not.toMatch(/GraphiQL/i);
      await page.screenshot('playground-production');
      const answer = await page.evaluate<{ status: number; body: { data?: unknown; errors?: { extensions?: { code?: string } }[] } }>(`
        fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) })
          .then(async (res) => ({ status: res.status, body: await res.json() }))`);
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});

/**
 * The HTML report rendered in Debian's headless Chromium (driven by playwright-core): rows,
 * chart, sorting, and that hostile text stays text and nothing is fetched.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_TIME, finding, openssl, sampleReport } from '../../../test/builders/scan-report.ts';
import { escapeHtml, formatHtml } from './html.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Loaded {
  readonly page: Page;
  readonly requests: string[];
  readonly console: string[];
}

async function load(html: string): Promise<Loaded> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const console: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => console.push(m.text()));
  page.on('dialog', (d) => {
    console.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests, console };
}

const column = (page: Page, n: number) =>
  page.locator(`#vulns tbody tr td:nth-child(${n})`).allTextContents();

describe('formatHtml in Chromium', () => {
  const html = formatHtml(sampleReport(), { timestamp: FIXED_TIME, toolVersion: '0.1.0' });

  it('renders one row per finding, the chart and the model table, fetching nothing', async () => {
    const { page, requests, console } = await load(html);
    expect(await page.locator('#vulns tbody tr').count()).toEqual(6);
    expect(await page.locator('#models tbody tr').count()).toEqual(1);
    expect(await page.locator('svg#severity-chart rect.bar').count()).toEqual(5);
    expect(await page.locator('svg#severity-chart').getAttribute('aria-label')).toEqual(
      'Vulnerabilities by severity: CRITICAL 1, HIGH 2, MEDIUM 3, LOW 0, UNKNOWN 0',
    );
    const widths = await page
      .locator('svg#severity-chart rect.bar')
      .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('width'))));
    expect(widths).toEqual([100, 200, 300, 0, 0]);
    expect(await page.title()).toEqual('Bosun report: registry.example/shop/api:1.4');
    expect(requests).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });

  it('sorts by a column when its header is clicked, toggling the direction', async () => {
    const { page } = await load(html);
    await page.locator('#vulns thead th', { hasText: 'Package' }).click();
    expect(await column(page, 2)).toEqual(['curl', 'express', 'openssl', 'qs', 'requests', 'zlib1g']);
    expect(await page.locator('#vulns thead th', { hasText: 'Package' }).getAttribute('aria-sort')).toEqual(
      'ascending',
    );
    await page.locator('#vulns thead th', { hasText: 'Package' }).click();
    expect(await column(page, 2)).toEqual(['zlib1g', 'requests', 'qs', 'openssl', 'express', 'curl']);
    await page.locator('#vulns thead th', { hasText: 'Severity' }).click();
    await page.locator('#vulns thead th', { hasText: 'Severity' }).click();
    expect(await column(page, 6)).toEqual(['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'MEDIUM']);
    await page.locator('#vulns thead th', { hasText: 'CVSS' }).click();
    expect(await column(page, 7)).toEqual(['', '', '', '5.5', '6.1', '7.5']);
    await page.close();
  });

  it('keeps hostile text as text: no markup, no script, no javascript: links', async () => {
    const hostile = sampleReport({
      findings: [
        finding({
          id: 'CVE-2024-0001',
          package: { ...openssl, name: '<b id="injected">bold</b>' },
          title: `<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>"'&`,
          references: ['javascript:window.pwned=3'],
          severity: 'HIGH',
        }),
      ],
      models: [],
      artifact: { name: 'evil"><script>window.pwned=4</script>', type: 'container-image' },
    });
    const { page, requests, console } = await load(formatHtml(hostile, { timestamp: FIXED_TIME }));
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(await page.locator('#injected').count()).toEqual(0);
    expect(await page.locator('img').count()).toEqual(0);
    expect(await page.locator('a[href^="javascript"]').count()).toEqual(0);
    expect(await column(page, 2)).toEqual(['<b id="injected">bold</b>']);
    expect(await column(page, 8)).toEqual([
      `<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>"'&`,
    ]);
    expect(requests).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<a href="x">', '&#60;a href=&#34;x&#34;&#62;'],
    ["it's & more", 'it&#39;s &#38; more'],
    ['plain', 'plain'],
  ])('%j', (text, expected) => {
    expect(escapeHtml(text)).toEqual(expected);
  });
});

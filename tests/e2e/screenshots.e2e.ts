/**
 * The screenshots in docs/screenshots, taken from the built app with real callers waiting:
 * `npm run docs:screenshots` (skipped in the normal test run).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

test.skip(!process.env.LOBBY_SCREENSHOTS, 'run with npm run docs:screenshots');

const OUT = 'docs/screenshots';

async function caller(browser: Browser, keys: string, phoneNumber: string): Promise<Page> {
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	await page.goto('/phone');
	await page.getByLabel(/Your phone number/).fill(phoneNumber);
	await page.getByRole('button', { name: 'Call' }).click();
	for (const key of keys) await page.getByRole('button', { name: `Key ${key}` }).click();
	return page;
}

test('screenshots of the dashboard, meeting view, softphone and presenter mode', async ({
	browser,
	page
}) => {
	test.setTimeout(120_000);
	const phones = [
		await caller(browser, '4410273##', '+46 8 123 45 67'),
		await caller(browser, '4410273##', '+46 70 765 43 21'),
		await caller(browser, '6390518##', '+46 31 555 12 34')
	];
	for (const phone of phones) {
		await expect(phone.getByRole('status', { name: 'Call state' })).toHaveText('Waiting in the lobby');
	}
	await phones[0]!.evaluate(() => window.scrollTo(0, 0));
	await phones[0]!.screenshot({ path: `${OUT}/softphone.png`, fullPage: true });

	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/dashboard');
	await expect(page.getByTestId('total-lobby')).toHaveText('3');
	await page.waitForTimeout(3_000);
	await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });

	await page.getByRole('link', { name: 'Amos Marble' }).first().click();
	await expect(page.getByRole('region', { name: /Lobby/ }).getByRole('listitem')).toHaveCount(2);
	await page.screenshot({ path: `${OUT}/meeting-view.png`, fullPage: true });

	await page.getByRole('link', { name: 'Presenter mode' }).click();
	await expect(page.getByRole('region', { name: 'Lobby' }).getByRole('listitem')).toHaveCount(2);
	await page.waitForTimeout(1_000);
	await page.screenshot({ path: `${OUT}/presenter.png` });

	for (const phone of phones) {
		await phone.getByRole('button', { name: 'Hang up' }).click();
		await phone.close();
	}
});

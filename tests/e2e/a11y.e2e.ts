/**
 * Every page, checked with axe-core in Chromium, in English and Swedish, light and dark: no serious
 * or critical violation. The live pages are checked with a caller waiting, so their lists and
 * timers are on screen, not just their empty states.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const ADMIN = { email: 'admin@contoso.com', password: 'admin-e2e-password' };

async function serious(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function signIn(page: Page) {
	await page.goto('/signin');
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('no serious or critical accessibility violation on any page, in both languages and both themes', async ({
	browser,
	page
}) => {
	test.setTimeout(180_000);
	// A caller waits in Amos Marble's lobby, so the live pages have something to show.
	const phone = await browser.newPage();
	await phone.goto('/phone');
	await phone.getByRole('button', { name: 'Call' }).click();
	for (const key of '4410273##') await phone.getByRole('button', { name: `Key ${key}` }).click();
	await expect(phone.getByRole('status', { name: 'Call state' })).toHaveText('Waiting in the lobby');

	try {
		await checkEveryPage(page);
	} finally {
		await phone.getByRole('button', { name: 'Hang up' }).click();
		await phone.close();
	}
});

async function checkEveryPage(page: Page) {
	await page.goto('/dashboard');
	await page.getByRole('link', { name: 'Amos Marble' }).first().click();
	await expect(page).toHaveURL(/\/meetings\/[^/]+$/);
	const meeting = new URL(page.url()).pathname;

	const pages = [
		'/',
		'/dashboard',
		'/meetings',
		meeting,
		`${meeting}/present`,
		'/phone',
		'/join/4410273',
		'/scenarios',
		'/signin'
	];
	const admin = [
		'/admin/dial-in-users',
		'/admin/settings',
		'/admin/meeting-policies',
		'/admin/mail',
		'/admin/audit',
		'/admin/tokens',
		'/admin/webhooks'
	];
	const found: string[] = [];
	for (const [locale, theme] of [
		['en', 'light'],
		['sv', 'dark']
	] as const) {
		await page.context().addCookies([
			{ name: 'lobby-lang', value: locale, url: page.url() },
			{ name: 'lobby-theme', value: theme, url: page.url() }
		]);
		for (const path of pages) {
			await page.goto(path);
			await page.waitForLoadState('networkidle');
			found.push(...(await serious(page)).map((v) => `${path} [${locale}, ${theme}]: ${v}`));
		}
	}
	await page.context().addCookies([{ name: 'lobby-lang', value: 'en', url: page.url() }]);
	await signIn(page);
	await page.goto('/admin/dial-in-users');
	await page.getByRole('link', { name: 'Amos Marble' }).click();
	admin.push(new URL(page.url()).pathname);
	for (const path of admin) {
		await page.goto(path);
		found.push(...(await serious(page)).map((v) => `${path}: ${v}`));
	}
	expect(found).toEqual([]);
}

test('keyboard only: the softphone dials, the dial pad answers, and hangs up without a mouse', async ({
	page
}) => {
	await page.goto('/phone');
	await page.getByRole('button', { name: 'Call' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('status', { name: 'Call state' })).toHaveText('Dialed in: answering the IVR');
	// Typing digits on the keyboard presses the dial pad.
	for (const key of '5821946##') await page.keyboard.press(key);
	await expect(page.getByRole('status', { name: 'Call state' })).toHaveText('In the meeting');
	await page.getByRole('button', { name: 'Hang up' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('status', { name: 'Call state' })).toHaveText('Call ended');
});

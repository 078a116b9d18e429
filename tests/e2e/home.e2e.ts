import { expect, test } from '@playwright/test';

test('the home page shows a live connection backed by the database', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Lobby', level: 1 })).toBeVisible();
	await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Connected');
	await expect(page.getByRole('status', { name: 'Tenant' })).toHaveText('Contoso');
	await expect(page.getByRole('status', { name: 'Dial-in users' })).toHaveText('4');
	const expectedDb = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)';
	await expect(page.getByRole('status', { name: 'Database' })).toHaveText(expectedDb);
});

test('the connected-client count is pushed live to every open page', async ({ browser }) => {
	const first = await browser.newPage();
	await first.goto('/');
	const count = first.getByRole('status', { name: 'Connected clients' });
	await expect(count).toHaveText('1');

	const second = await browser.newPage();
	await second.goto('/');
	await expect(second.getByRole('status', { name: 'Connected clients' })).toHaveText('2');
	await expect(count).toHaveText('2');

	await second.close();
	await expect(count).toHaveText('1');
	await first.close();
});

import { expect, test } from '@playwright/test';

/**
 * On a slow phone people type before the page's scripts have run. What they typed must survive the
 * page coming alive: hydration once emptied the email field, so the browser refused the form as
 * incomplete and the sign-in silently did nothing.
 */
test('what is typed into the sign-in form before the page is live survives it coming alive', async ({
	page
}) => {
	let release: () => void = () => {};
	const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await scriptsMayLoad;
		await route.continue();
	});

	await page.goto('/signin', { waitUntil: 'commit' });
	await page.getByLabel('Email address').fill('admin@contoso.com');
	await page.getByLabel('Password').fill('admin-e2e-password');
	release();

	// The page is live once the theme menu answers: before hydration a choice changes nothing.
	const theme = page.getByRole('combobox', { name: 'Theme' });
	await expect(async () => {
		await theme.selectOption('dark');
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark', { timeout: 250 });
	}).toPass({ timeout: 15_000 });

	await expect(page.getByLabel('Email address')).toHaveValue('admin@contoso.com');
	await expect(page.getByLabel('Password')).toHaveValue('admin-e2e-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

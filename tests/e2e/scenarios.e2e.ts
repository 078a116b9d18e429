/**
 * A scenario run live from the Scenarios page: started paused, stepped one item at a time while the
 * meeting view follows, then resumed to its end with every expectation met.
 */
import { expect, test } from '@playwright/test';

const ADMIN = { email: 'admin@contoso.com', password: 'admin-e2e-password' };

test('an administrator runs S10 live: paused, stepped, resumed; the meeting view follows each step', async ({
	browser,
	page
}) => {
	test.setTimeout(120_000);
	await page.goto('/signin');
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

	await page.goto('/scenarios');
	// The list arrives over the live channel; choose once it is there. The select is found by its
	// accessible name, which (unlike the wrapping label's whole text) leaves out the options.
	const title = 'Lobby callers are admitted when the meeting starts';
	await expect(page.getByRole('listitem').filter({ hasText: title })).toBeVisible();
	await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption({ label: title });
	await page.getByLabel('Start paused (then step through it)').check();
	await page.getByRole('button', { name: 'Run live' }).click();
	const status = page.getByRole('status', { name: 'Run status' });
	await expect(status).toHaveText('Paused');
	await expect(page.getByText(/item 0 of \d+/)).toBeVisible();

	// One step: Alice dials in and waits in Amos Marble's lobby.
	await page.getByRole('button', { name: 'Step' }).click();
	await expect(page.getByText(/item 1 of \d+/)).toBeVisible();
	await expect(status).toHaveText('Paused');
	const link = page.getByRole('link', { name: 'Meeting view: Amos Marble' });
	await expect(link).toBeVisible();
	const meetingView = await browser.newPage();
	await meetingView.goto((await link.getAttribute('href'))!);
	const lobby = meetingView.getByRole('region', { name: /Lobby/ });
	const inMeeting = meetingView.getByRole('region', { name: /Meeting/ });
	await expect(lobby.getByRole('listitem')).toHaveCount(1);

	// The next step: Bob joins her in the lobby, and the meeting view shows it.
	await page.getByRole('button', { name: 'Step' }).click();
	await expect(page.getByText(/item 2 of \d+/)).toBeVisible();
	await expect(lobby.getByRole('listitem')).toHaveCount(2);
	await expect(inMeeting.getByRole('listitem')).toHaveCount(0);

	// Resumed at 10x, Amos dials in with his PIN: the lobby is admitted (S10); Carol, calling after
	// the start, goes straight in; the run passes.
	await page.getByRole('combobox', { name: 'Speed' }).last().selectOption('10');
	await page.getByRole('button', { name: 'Resume' }).click();
	await expect(status).toHaveText('Finished: every expectation met', { timeout: 60_000 });
	await expect(inMeeting.getByRole('listitem')).toHaveCount(4);
	await expect(lobby.getByRole('listitem')).toHaveCount(0);
	await expect(
		page.getByRole('listitem').filter({ hasText: 'meeting amos is in-progress' }).first()
	).toBeVisible();
	await meetingView.close();
});

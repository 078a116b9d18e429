/**
 * The live UI as a person uses it, in Chromium against the built server: softphones dialing in and
 * hearing the lobby music (read from howler through the page), the organizer's PIN admitting the
 * lobby (S10) while the dashboard's count falls, a client join starting a waiting meeting (S4), an
 * anonymous caller who never does (S11), a PSTN-only organizer's meeting starting with its first
 * caller (S6), and the language switch.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

const ADMIN = { email: 'admin@contoso.com', password: 'admin-e2e-password' };
const USER_PASSWORD = 'user-e2e-password';
const CONFERENCE = { amos: '4410273', megan: '5821946', astrid: '6390518', lee: '7152834' };

/** A leader PIN for `identity`, reset through the API as an administrator's script would. */
async function resetPin(baseURL: string, identity: string): Promise<string> {
	const login = await fetch(`${baseURL}/api/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(ADMIN)
	});
	const { token } = (await login.json()) as { token: string };
	const reset = await fetch(`${baseURL}/api/v1/dial-in-users/${identity}/reset-leader-pin`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify({ sendEmail: false })
	});
	const { leaderPin } = (await reset.json()) as { leaderPin: string };
	return leaderPin;
}

/** A softphone in a tab of its own: it dials the bridge and types `keys` on the dial pad. */
async function softphone(browser: Browser, keys: string): Promise<Page> {
	const page = await browser.newPage();
	await page.goto('/phone');
	await page.getByRole('button', { name: 'Call' }).click();
	await expect(page.getByRole('status', { name: 'Call state' })).toHaveText('Dialed in: answering the IVR');
	await press(page, keys);
	return page;
}

async function press(page: Page, keys: string) {
	for (const key of keys) await page.getByRole('button', { name: `Key ${key}` }).click();
}

const callState = (page: Page) => page.getByRole('status', { name: 'Call state' });
const music = (page: Page) => page.getByTestId('music-state');

test.describe.configure({ mode: 'serial' });

test('S5, S10: two softphones wait with music; the organizer’s PIN admits both and the dashboard’s lobby count rises by 2 and falls back', async ({
	browser,
	baseURL
}) => {
	const pin = await resetPin(baseURL!, 'lee.gu');
	const dashboard = await browser.newPage();
	await dashboard.goto('/dashboard');
	const lobbyTotal = dashboard.getByTestId('total-lobby');
	await expect(lobbyTotal).toHaveText(/^\d+$/);
	// Lee Gu's lobby is what this spec fills and empties; other meetings may have callers of their own.
	const before = Number(await lobbyTotal.textContent());

	const first = await softphone(browser, `${CONFERENCE.lee}##`);
	const second = await softphone(browser, `${CONFERENCE.lee}##`);
	for (const phone of [first, second]) {
		await expect(callState(phone)).toHaveText('Waiting in the lobby');
		// Read from howler itself: the loop is playing, not just wanted.
		await expect(music(phone)).toHaveText('Music: playing');
	}
	await expect(lobbyTotal).toHaveText(String(before + 2));

	const organizer = await softphone(browser, `${CONFERENCE.lee}#`);
	await expect(organizer.getByText('If you are the leader, press star.').first()).toBeVisible();
	await press(organizer, `*${pin}#`);
	await expect(callState(organizer)).toHaveText('In the meeting');
	for (const phone of [first, second]) {
		await expect(callState(phone)).toHaveText('In the meeting');
		await expect(music(phone)).toHaveText('Music: off');
	}
	await expect(lobbyTotal).toHaveText(String(before));

	for (const page of [first, second, organizer]) {
		await page.getByRole('button', { name: 'Hang up' }).click();
		await expect(callState(page)).toHaveText('Call ended');
		await page.close();
	}
	await dashboard.close();
});

test('S4: a signed-in organizer joining from the client starts the waiting meeting and the lobby is admitted', async ({
	browser,
	page
}) => {
	const caller = await softphone(browser, `${CONFERENCE.astrid}##`);
	await expect(callState(caller)).toHaveText('Waiting in the lobby');

	await page.goto(`/join/${CONFERENCE.astrid}`);
	await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
	await page.getByLabel('Email address').fill('astrid.lindqvist@contoso.com');
	await page.getByLabel('Password').fill(USER_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(new RegExp(`/join/${CONFERENCE.astrid}$`));
	await page.getByRole('button', { name: 'Join the meeting' }).click();
	await expect(page.getByRole('status')).toContainText('You are in the meeting.');
	await expect(callState(caller)).toHaveText('In the meeting');

	// The meeting view tells it in plain words.
	await page.getByRole('link', { name: 'Open the meeting view' }).click();
	await expect(
		page.getByText('joined from the client, signed in: the meeting started without a PIN')
	).toBeVisible();
	await caller.getByRole('button', { name: 'Hang up' }).click();
	await caller.close();
});

test('S11: an anonymous caller alone never starts the meeting; the meeting view shows them waiting with music', async ({
	browser,
	page
}) => {
	const caller = await softphone(browser, `${CONFERENCE.amos}##`);
	await expect(callState(caller)).toHaveText('Waiting in the lobby');
	await page.goto('/dashboard');
	await page.getByRole('link', { name: 'Amos Marble' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText("Amos Marble's meeting");
	const lobby = page.getByRole('region', { name: /Lobby/ });
	await expect(lobby.getByRole('listitem')).toHaveCount(1);
	await expect(page.getByText('Waiting for the leader')).toBeVisible();
	await expect(page.getByText('dialed in and waits in the lobby; music is playing.')).toBeVisible();
	// Time passes; nothing starts it.
	await page.waitForTimeout(2_000);
	await expect(callState(caller)).toHaveText('Waiting in the lobby');
	await expect(page.getByText('Waiting for the leader')).toBeVisible();
	await caller.getByRole('button', { name: 'Hang up' }).click();
	await caller.close();
});

test('S6: a PSTN-only organizer’s meeting starts with the first caller', async ({ browser }) => {
	const caller = await softphone(browser, `${CONFERENCE.megan}##`);
	await expect(callState(caller)).toHaveText('In the meeting');
	await expect(music(caller)).toHaveText('Music: off');
	await caller.getByRole('button', { name: 'Hang up' }).click();
	await caller.close();
});

test('a link to /phone?conference=ID dials straight in: the softphone calls by itself and, after the leader prompt, waits in the lobby', async ({
	page
}) => {
	await page.goto(`/phone?conference=${CONFERENCE.astrid}`);
	// Nobody taps Call: the page dials and enters the conference ID on its own.
	await expect(page.getByText('If you are the leader, press star.').first()).toBeVisible();
	// "Otherwise, please wait": pressing nothing makes this a caller, who waits with music (S5).
	await expect(callState(page)).toHaveText('Waiting in the lobby', { timeout: 15_000 });
	await expect(music(page)).toHaveText('Music: playing');
	await page.getByRole('button', { name: 'Hang up' }).click();
	await expect(callState(page)).toHaveText('Call ended');
});

test('the language switch turns the page Swedish and is remembered', async ({ page }) => {
	await page.goto('/phone');
	// A choice made before the page is live (a loaded machine hydrates late) is not kept: choose
	// again until the page has taken it.
	await expect(async () => {
		await page.getByRole('combobox', { name: /^(Language|Språk)$/ }).selectOption('sv');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Telefon', { timeout: 1000 });
	}).toPass({ timeout: 15_000 });
	await expect(
		page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Översikt' })
	).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
	await page.reload();
	await expect(page.getByRole('button', { name: 'Ring' })).toBeVisible();
	await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Phone');
});

test('replay: a past meeting plays back from its events, with the lobby filling and then admitted', async ({
	page
}) => {
	await page.goto('/meetings');
	await page.getByRole('link', { name: 'Lee Gu' }).first().click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText("Lee Gu's meeting");
	await page.getByRole('button', { name: 'Replay from the start' }).click();
	await page.getByRole('button', { name: 'Pause' }).click();
	const lobby = page.getByRole('region', { name: /Lobby/ });
	const inMeeting = page.getByRole('region', { name: /Meeting/ });
	const next = page.getByRole('button', { name: 'Next event' });
	// S5 then S10, event by event as they happened: two callers wait, then the leader's PIN admits them.
	// (The meeting opens with its first caller, sometimes in the same millisecond.)
	for (let i = 0; i < 4 && (await lobby.getByRole('listitem').count()) < 2; i++) await next.click();
	await expect(lobby.getByRole('listitem')).toHaveCount(2);
	await expect(inMeeting.getByRole('listitem')).toHaveCount(0);
	await next.click();
	await expect(inMeeting.getByRole('listitem')).toHaveCount(3);
	await expect(lobby.getByRole('listitem')).toHaveCount(0);
	await expect(
		page.getByText(/entered the leader PIN: the meeting started and 2 callers were admitted/)
	).toBeVisible();
	// Played at a speed, it runs to the end, where everyone has left.
	await page.getByRole('combobox', { name: 'Replay speed' }).selectOption('10');
	await page.getByRole('button', { name: 'Play' }).click();
	await expect(inMeeting.getByRole('listitem')).toHaveCount(0, { timeout: 20_000 });
	// Scrubbing back to the start shows the meeting as it opened.
	await page.getByRole('slider', { name: 'Replay position' }).focus();
	await page.keyboard.press('Home');
	await expect(inMeeting.getByRole('listitem')).toHaveCount(0);
	await page.getByRole('button', { name: 'Back to live' }).click();
	await expect(page.getByText('Ended', { exact: true })).toBeVisible();
});

test('the organizer, signed in, admits one caller and declines another from presenter mode; beside each, why they wait, which changes when he unlocks', async ({
	browser,
	baseURL
}) => {
	const pin = await resetPin(baseURL!, 'astrid.lindqvist');
	// Astrid dials in with her PIN and locks her meeting (*7), so late callers wait.
	const leader = await softphone(browser, `${CONFERENCE.astrid}#*${pin}#`);
	await expect(callState(leader)).toHaveText('In the meeting');
	await press(leader, '*7');
	await expect(leader.getByText('The meeting is locked.').first()).toBeVisible();

	/** A softphone with a number of its own, so the trainer can tell the callers apart (by its last digits: numbers are masked, MaskedForExternalUsers). */
	async function caller(number: string): Promise<Page> {
		const phone = await browser.newPage();
		await phone.goto('/phone');
		await phone.getByLabel('Your phone number').fill(number);
		await phone.getByRole('button', { name: 'Call' }).click();
		await press(phone, `${CONFERENCE.astrid}##`);
		await expect(callState(phone)).toHaveText('Waiting in the lobby');
		return phone;
	}
	const first = await caller('+46 70 700 00 01');
	const second = await caller('+46 70 700 00 02');
	const third = await caller('+46 70 700 00 03');

	// A viewer who is not signed in sees why they wait, and no buttons.
	const room = await browser.newContext();
	const projector = await room.newPage();
	await projector.goto('/dashboard');
	await projector.getByRole('link', { name: 'Astrid Lindqvist' }).click();
	await projector.getByRole('link', { name: 'Presenter mode' }).click();
	const roomWhy = projector.getByRole('region', { name: 'Why is this caller waiting?' });
	await expect(roomWhy.getByRole('listitem')).toHaveCount(3);
	await expect(roomWhy.getByText('the leader locked it (*7)').first()).toBeVisible();
	await expect(projector.getByRole('button', { name: 'Admit all' })).toHaveCount(0);

	// The trainer signs in as Astrid, the organizer, and opens the same presenter mode.
	const trainer = await browser.newPage();
	await trainer.goto('/signin');
	await trainer.getByLabel('Email address').fill('astrid.lindqvist@contoso.com');
	await trainer.getByLabel('Password').fill(USER_PASSWORD);
	await trainer.getByRole('button', { name: 'Sign in' }).click();
	await trainer.goto(projector.url());
	const why = trainer.getByRole('region', { name: 'Why is this caller waiting?' });
	await expect(why.getByRole('listitem')).toHaveCount(3);

	await why.getByRole('button', { name: /^Admit .* 01$/ }).click();
	await expect(callState(first)).toHaveText('In the meeting');
	await expect(why.getByRole('listitem')).toHaveCount(2);

	await why.getByRole('button', { name: /^Decline .* 02$/ }).click();
	await expect(callState(second)).toHaveText('Call ended');
	await expect(second.getByText('The organizer did not let you in.')).toBeVisible();
	await expect(why.getByRole('listitem')).toHaveCount(1);

	// Astrid unlocks: the caller still waiting is told apart, as unlocking admits nobody who waits.
	await press(leader, '*7');
	await expect(roomWhy.getByText('arrived while it was locked')).toBeVisible();
	await expect(callState(third)).toHaveText('Waiting in the lobby');

	// The meeting view tells both in plain words.
	await trainer.getByRole('link', { name: 'Meeting view' }).click();
	await expect(trainer.getByText(/Astrid Lindqvist admitted \+46 .* 01 from the lobby\./)).toBeVisible();
	await expect(trainer.getByText(/Astrid Lindqvist declined \+46 .* 02: the call ended/)).toBeVisible();

	for (const page of [third, first, leader]) {
		await page.getByRole('button', { name: 'Hang up' }).click();
		await page.close();
	}
	await second.close();
	await trainer.close();
	await room.close();
});

test('an administrator switches the Global meeting policy to the Teams lobby in the admin center, and the organizer sets his Meeting options; beside a waiting caller, the meeting view says at once what the start will do', async ({
	browser,
	page
}) => {
	const caller = await softphone(browser, `${CONFERENCE.lee}##`);
	await expect(callState(caller)).toHaveText('Waiting in the lobby');
	const viewer = await browser.newPage();
	await viewer.goto('/dashboard');
	await viewer.getByRole('link', { name: 'Lee Gu' }).click();
	const lobby = viewer.getByRole('region', { name: /Lobby/ });
	await expect(lobby.getByText('When the meeting starts they are admitted with it')).toBeVisible();

	await page.goto('/signin');
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.goto('/admin/settings');
	const policy = page.getByRole('form', { name: 'Meeting policy (Global)' });
	const save = async () => {
		await policy.getByRole('button', { name: 'Save the meeting policy' }).click();
		await expect(page.getByText('The meeting policy is saved; live meetings follow it.')).toBeVisible();
	};
	try {
		await policy.getByRole('combobox', { name: 'Lobby', exact: true }).selectOption('Teams');
		await save();
		await expect(lobby.getByText('Even when the meeting starts they will wait to be admitted')).toBeVisible();
		await expect(
			viewer.getByText(
				'The lobby policy changed to the Teams lobby, where dial-in callers wait until someone admits them.'
			)
		).toBeVisible();

		// Lee, the organizer, signed in, lets people dialing in bypass his meeting's lobby in its
		// Meeting options; everyone watching sees the explanation follow, and then the policy again.
		const lee = await browser.newPage();
		await lee.goto('/signin');
		await lee.getByLabel('Email address').fill('lee.gu@contoso.com');
		await lee.getByLabel('Password').fill(USER_PASSWORD);
		await lee.getByRole('button', { name: 'Sign in' }).click();
		await expect(lee.getByRole('button', { name: 'Sign out' })).toBeVisible();
		await lee.goto(viewer.url());
		const options = lee.getByRole('region', { name: 'Meeting options' });
		await options.getByRole('checkbox', { name: /People dialing in can bypass the lobby/ }).check();
		await expect(lobby.getByText('When the meeting starts they are admitted with it')).toBeVisible();
		await expect(
			viewer.getByText(
				'The organizer changed the meeting options: people dialing in bypass the lobby once the meeting has started.'
			)
		).toBeVisible();
		await options.getByRole('button', { name: 'Back to the meeting policy' }).click();
		await expect(lobby.getByText('Even when the meeting starts they will wait to be admitted')).toBeVisible();
		await expect(viewer.getByRole('region', { name: 'Meeting options' })).toHaveCount(0);
		await lee.close();

		await policy.getByRole('checkbox', { name: /People dialing in can bypass the lobby/ }).check();
		await save();
		await expect(lobby.getByText('When the meeting starts they are admitted with it')).toBeVisible();
	} finally {
		// Later specs expect the article's lobby.
		await policy.getByRole('combobox', { name: 'Lobby', exact: true }).selectOption('Classic');
		await policy.getByRole('checkbox', { name: /People dialing in can bypass the lobby/ }).uncheck();
		await save();
	}
	await caller.getByRole('button', { name: 'Hang up' }).click();
	await caller.close();
	await viewer.close();
});

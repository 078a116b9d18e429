import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import type { CallView } from '$lib/contract/events';

const ADMIN = { email: 'admin@contoso.com', password: 'admin-e2e-password' };
const AMOS = { email: 'amos.marble@contoso.com', password: 'user-e2e-password' };

async function signIn(page: Page, who: { email: string; password: string }) {
	await page.goto('/signin');
	await page.getByLabel('Email address').fill(who.email);
	await page.getByLabel('Password').fill(who.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

async function openUser(page: Page, name: string) {
	await page.goto('/admin/dial-in-users');
	await page.getByRole('link', { name }).click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Resets the PIN from the user's page and answers the PIN shown once. */
async function resetPin(page: Page, otherAddress?: string): Promise<string> {
	await page.getByRole('button', { name: 'Reset PIN' }).click();
	const confirm = page.getByRole('form', { name: 'Confirm PIN reset' });
	if (otherAddress) await confirm.getByLabel('Send to another address (optional)').fill(otherAddress);
	await expect(confirm).toContainText(`The new PIN will be emailed to ${otherAddress ?? AMOS.email}`);
	await confirm.getByRole('button', { name: 'Reset PIN' }).click();
	const pin = page.getByRole('status', { name: 'New leader PIN' });
	await expect(pin).toHaveText(/^\d{4,12}$/);
	await expect(page.getByText('This PIN will not be shown again.')).toBeVisible();
	return (await pin.textContent())!.trim();
}

/** Dials Amos Marble's meeting as the leader over Socket.IO; answers the phase reached. */
async function dialAsLeader(baseURL: string, pin: string): Promise<CallView> {
	const socket = io(baseURL, { transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		const answer = await socket.timeout(10_000).emitWithAck('call:dial', { keys: `4410273#*${pin}#` });
		if (!answer.ok) throw new Error(answer.error.message);
		await socket.timeout(10_000).emitWithAck('call:hangup');
		return answer.call;
	} finally {
		socket.disconnect();
	}
}

test.describe.configure({ mode: 'serial' });

/** Amos's PIN as the last reset issued it, to prove later that nothing else changed it. */
let lastAmosPin = '';

test('S7, S8, S9: an admin resets Amos Marble’s PIN, sees it once, finds the email; it is ***** after a reload', async ({
	page
}) => {
	await signIn(page, ADMIN);
	await expect(page).toHaveURL(/\/admin\/dial-in-users/);
	// The article's path (S7): the admin center, Dial-in conferencing, Dial-in users, the user, Reset PIN.
	const adminCenter = page.getByRole('navigation', { name: 'Admin center' });
	await adminCenter.getByRole('link', { name: 'Dial-in conferencing' }).click();
	await page
		.getByRole('group', { name: 'Dial-in conferencing' })
		.getByRole('link', { name: 'Dial-in users' })
		.click();
	await page.getByRole('link', { name: 'Amos Marble' }).click();
	await expect(page.getByRole('heading', { name: 'Amos Marble', level: 1 })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Where you are' })).toHaveText(
		/Dial-in conferencing\s*Dial-in users\s*Amos Marble/
	);
	const pin = await resetPin(page);
	await expect(page.getByText(`The PIN was emailed to ${AMOS.email}.`)).toBeVisible();

	await page.reload();
	await expect(page.getByRole('status', { name: 'New leader PIN' })).toHaveCount(0);
	await expect(page.locator('body')).not.toContainText(pin);
	await expect(page.getByText('*****')).toBeVisible();

	await page.getByRole('link', { name: 'Mail' }).click();
	// Newest first: the reset's email to Amos's primary address, as he would see it (no SMTP here).
	const message = page
		.getByRole('article', { name: `Your dial-in conferencing PIN has been reset to ${AMOS.email}` })
		.first();
	await expect(message).toContainText(pin);

	await page.getByRole('link', { name: 'Audit log' }).click();
	await expect(page.getByRole('cell', { name: 'dial-in.reset-leader-pin' }).first()).toBeVisible();
	await expect(page.locator('body')).not.toContainText(pin);
});

test('S14, S15: the PIN email can go to another address', async ({ page }) => {
	await signIn(page, ADMIN);
	await openUser(page, 'Amos Marble');
	await resetPin(page, 'amos@hotmail.com');
	await expect(page.getByText('The PIN was emailed to amos@hotmail.com.')).toBeVisible();
	await page.getByRole('link', { name: 'Mail' }).click();
	await expect(page.getByRole('article').first()).toContainText('amos@hotmail.com');
});

test('S13: with PIN length 7 new PINs have 7 digits while Amos keeps his', async ({ page, baseURL }) => {
	await signIn(page, ADMIN);
	await openUser(page, 'Amos Marble');
	const amosPin = await resetPin(page);
	expect(amosPin).toHaveLength(5);
	lastAmosPin = amosPin;

	await page.getByRole('link', { name: 'Tenant settings' }).click();
	await page.getByLabel(/PIN length/).fill('13');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByRole('alert')).toContainText('PinLength must be from 4 to 12');
	await page.getByLabel(/PIN length/).fill('7');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByRole('status')).toHaveText('Saved.');

	await page.goto('/admin/dial-in-users');
	await page.getByRole('link', { name: 'Megan Bowen' }).click();
	await page.getByRole('button', { name: 'Reset PIN' }).click();
	await page
		.getByRole('form', { name: 'Confirm PIN reset' })
		.getByRole('button', { name: 'Reset PIN' })
		.click();
	await expect(page.getByRole('status', { name: 'New leader PIN' })).toHaveText(/^\d{7}$/);

	// Amos's 5-digit PIN still starts his meeting by phone (S2, S13).
	const call = await dialAsLeader(baseURL!, amosPin);
	expect(call).toMatchObject({ phase: 'in-meeting', isLeader: true });

	await page.getByRole('link', { name: 'Tenant settings' }).click();
	await page.getByLabel(/PIN length/).fill('5');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByRole('status')).toHaveText('Saved.');
});

test('S3: a signed-in user cannot reset any PIN, not even their own, by page or by a forged form post', async ({
	page,
	baseURL
}) => {
	await signIn(page, AMOS);
	const response = await page.goto('/admin/dial-in-users');
	expect(response?.status()).toBe(403);
	await expect(page.locator('body')).toContainText('Users cannot reset PINs, not even their own');

	// Post the reset form by hand, with his session cookie, for himself ("amos.marble" is his alias).
	const forged = await page.request.post('/admin/dial-in-users/amos.marble?/reset', {
		form: { sendEmail: 'on' },
		headers: { origin: baseURL!, accept: 'application/json' }
	});
	// Refused at the admin center's door, before the action runs.
	expect(forged.status()).toBe(403);
	const body = await forged.text();
	expect(body).toContain('Users cannot reset PINs, not even their own');
	expect(body).not.toContain('issued');

	// His PIN is the one the administrator issued: the forged reset changed nothing.
	expect(lastAmosPin).toMatch(/^\d{5}$/);
	expect(await dialAsLeader(baseURL!, lastAmosPin)).toMatchObject({ phase: 'in-meeting', isLeader: true });
});

test('an admin makes an API token on the API tokens page, sees it once, and revokes it', async ({
	page,
	request
}) => {
	await signIn(page, ADMIN);
	await page.goto('/admin/tokens');
	await page.getByLabel('Name').fill('e2e report');
	await page.getByRole('button', { name: 'Make token' }).click();
	const shown = page.getByRole('status', { name: 'New API token' });
	await expect(shown).toHaveText(/^lobby_[\w-]{43}$/);
	await expect(page.getByText('This token will not be shown again.')).toBeVisible();
	const token = (await shown.textContent())!.trim();
	const headers = { authorization: `Bearer ${token}` };
	expect((await request.get('/api/v1/tenant-settings', { headers })).status()).toBe(200);

	await page.reload();
	await expect(page.getByText(token)).toHaveCount(0);
	await page.getByRole('button', { name: 'Revoke e2e report' }).click();
	await expect(page.getByText('Revoked "e2e report"; it no longer works.')).toBeVisible();
	expect((await request.get('/api/v1/tenant-settings', { headers })).status()).toBe(401);
});

test('an admin creates a named meeting policy, grants it to Amos on his page, and removes it: Amos has Global again', async ({
	page
}) => {
	await signIn(page, ADMIN);
	await page.goto('/admin/meeting-policies');
	const create = page.getByRole('form', { name: 'New meeting policy' });
	await create.getByLabel('Name').fill('Training');
	await create.getByLabel('Description').fill('Course days');
	await create.getByRole('combobox', { name: 'Lobby', exact: true }).selectOption('Teams');
	await create.getByRole('button', { name: 'Create the policy' }).click();
	await expect(page.getByText('Training is created.')).toBeVisible();
	const training = page.getByRole('region', { name: /^Training/ });
	await expect(training).toContainText('0 users');

	await openUser(page, 'Amos Marble');
	const policy = page.getByRole('form', { name: 'Meeting policy' });
	await policy.getByRole('combobox').selectOption('Training');
	await policy.getByRole('button', { name: 'Grant' }).click();
	await expect(page.getByText('The meeting policy is granted')).toBeVisible();
	await page.reload();
	await expect(page.getByRole('form', { name: 'Meeting policy' }).getByRole('combobox')).toHaveValue(
		'Training'
	);

	await page.goto('/admin/meeting-policies');
	await expect(page.getByRole('region', { name: /^Training/ })).toContainText('1 user');
	await page.getByRole('button', { name: 'Remove Training' }).click();
	await expect(page.getByText('Training is removed; 1 user has the Global policy again.')).toBeVisible();
	await expect(page.getByRole('region', { name: /^Training/ })).toHaveCount(0);

	await openUser(page, 'Amos Marble');
	await expect(page.getByRole('form', { name: 'Meeting policy' }).getByRole('combobox')).toHaveValue(
		'Global'
	);
});

/** A webhook receiver on 127.0.0.1: answers 204 to everything and keeps what it was sent. */
async function startReceiver() {
	const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
	const server = createServer((request, response) => {
		let body = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (body += chunk));
		request.on('end', () => {
			received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
			response.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/lobby-events`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

test('an admin registers a webhook, sees its secret once, sends a signed test event, and removes it', async ({
	page
}) => {
	const receiver = await startReceiver();
	try {
		await signIn(page, ADMIN);
		await page
			.getByRole('navigation', { name: 'Admin center' })
			.getByRole('link', { name: 'Webhooks' })
			.click();
		await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();

		const create = page.getByRole('form', { name: 'Register an endpoint' });
		await create.getByLabel('Endpoint URL').fill(receiver.url);
		await create.getByLabel('Description').fill('e2e receiver');
		// No event chosen: the service's sentence, and the form keeps what was typed.
		await create.getByRole('button', { name: 'Register the endpoint' }).click();
		await expect(page.getByRole('alert')).toContainText('Subscribe to at least one event');
		await expect(create.getByLabel('Endpoint URL')).toHaveValue(receiver.url);
		await create.getByRole('checkbox', { name: /lobby\.entered/ }).check();
		await create.getByRole('checkbox', { name: /meeting\.started/ }).check();
		await create.getByRole('button', { name: 'Register the endpoint' }).click();

		await expect(page.getByText(`${receiver.url} is registered.`)).toBeVisible();
		const shown = page.getByRole('status', { name: 'Signing secret' });
		await expect(shown).toHaveText(/^whsec_[\w-]{43}$/);
		await expect(page.getByText('This secret will not be shown again.')).toBeVisible();
		const secret = (await shown.textContent())!.trim();
		expect(page.url()).not.toContain(secret);
		const endpoint = page.getByRole('region', { name: receiver.url, exact: true });
		await expect(endpoint).toContainText('meeting.started, lobby.entered');
		await expect(endpoint).toContainText('e2e receiver');
		await expect(endpoint).toContainText(`…${secret.slice(-4)}`);

		await page.reload();
		await expect(page.getByRole('status', { name: 'Signing secret' })).toHaveCount(0);
		await expect(page.locator('body')).not.toContainText(secret);
		expect(await page.content()).not.toContain(secret);

		await endpoint.getByRole('button', { name: `Send test event to ${receiver.url}` }).click();
		await expect(endpoint.getByRole('status')).toHaveText(
			'The test event was delivered: the endpoint answered HTTP 204.'
		);
		expect(receiver.received).toHaveLength(1);
		const delivery = receiver.received[0]!;
		expect(delivery).toMatchObject({ method: 'POST', url: '/lobby-events' });
		expect(delivery.headers['lobby-event']).toBe('webhook.test');
		const timestamp = String(delivery.headers['lobby-timestamp']);
		const expected = createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex');
		expect(delivery.headers['lobby-signature']).toBe(`v1=${expected}`);
		expect(JSON.parse(delivery.body)).toMatchObject({ event: 'webhook.test' });
		await expect(endpoint).toContainText('1 delivered, 0 queued, 0 failed');

		await endpoint.getByText(/^Delivery log/).click();
		const row = endpoint.getByRole('row', { name: /webhook\.test/ });
		await expect(row).toContainText('delivered');
		await expect(row).toContainText(String(delivery.headers['idempotency-key']));

		await endpoint.getByRole('button', { name: `Disable ${receiver.url}` }).click();
		await expect(page.getByText(`${receiver.url} is disabled`)).toBeVisible();
		await expect(endpoint).toContainText('Disabled: nothing is queued for it');

		await endpoint.getByRole('button', { name: `Remove ${receiver.url}` }).click();
		await page
			.getByRole('form', { name: `Confirm removal of ${receiver.url}` })
			.getByRole('button', { name: 'Remove the endpoint' })
			.click();
		await expect(page.getByText('The endpoint is removed, with its delivery log.')).toBeVisible();
		await expect(page.getByRole('region', { name: receiver.url, exact: true })).toHaveCount(0);
		await expect(page.getByText('No webhook yet.')).toBeVisible();
	} finally {
		await receiver.close();
	}
});

/**
 * The Content-Security-Policy in Chromium against the built server: every page says no other site
 * may frame it (so the Reset PIN page cannot be dressed up as someone else's button), a page on
 * another origin that tries is refused, and the app itself, music included, runs with no violation.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';

const ADMIN = { email: 'admin@contoso.com', password: 'admin-e2e-password' };
const ASTRID_CONFERENCE = '6390518';

/** Collects every CSP violation the page reports, as the console message and as the DOM event. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
	const messages: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy|Refused to/i.test(message.text())) messages.push(message.text());
	});
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (e) =>
			seen.push(`${e.violatedDirective} blocked ${e.blockedURI}`)
		);
	});
	return async () => {
		const events = await page
			.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])
			.catch(() => [] as string[]);
		return [...messages, ...events];
	};
}

/** Signs the page's browser context in as the administrator, as the sign-in form posts it. */
async function signIn(page: Page, baseURL: string) {
	const response = await page.request.post('/signin', {
		form: { email: ADMIN.email, password: ADMIN.password },
		headers: { origin: new URL(baseURL).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
}

/** Opens a dial-in user's admin page (the one with Reset PIN) and answers its path. */
async function openAmos(page: Page): Promise<string> {
	await page.goto('/admin/dial-in-users');
	await page.getByRole('link', { name: 'Amos Marble' }).click();
	await expect(page.getByRole('heading', { name: 'Amos Marble', level: 1 })).toBeVisible();
	return new URL(page.url()).pathname;
}

function expectLockedDown(policy: string | null) {
	expect(policy).not.toBeNull();
	const directives = new Map(
		policy!.split(';').map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name!, values.join(' ')] as const;
		})
	);
	expect(directives.get('frame-ancestors')).toBe("'none'");
	expect(directives.get('default-src')).toBe("'self'");
	expect(directives.get('object-src')).toBe("'none'");
	expect(directives.get('base-uri')).toBe("'self'");
	expect(directives.get('form-action')).toBe("'self'");
	// SvelteKit's own start-up script runs by its nonce; nothing else inline does.
	expect(directives.get('script-src')).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]+'$/);
}

test('the home page and a dial-in user’s Reset PIN page forbid framing in their Content-Security-Policy', async ({
	page,
	baseURL
}) => {
	const home = await page.goto('/');
	expectLockedDown(home!.headers()['content-security-policy'] ?? null);

	await signIn(page, baseURL!);
	const path = await openAmos(page);
	expect(path).toMatch(/^\/admin\/dial-in-users\/[^/]+$/);
	const userPage = await page.goto(path);
	expect(userPage!.status()).toBe(200);
	await expect(page.getByRole('button', { name: 'Reset PIN' })).toBeVisible();
	expectLockedDown(userPage!.headers()['content-security-policy'] ?? null);
});

test('a page on another site that frames the home page or the Reset PIN page gets an error page in the frame', async ({
	page,
	baseURL
}) => {
	await signIn(page, baseURL!);
	const targets = [new URL('/', baseURL).href, new URL(await openAmos(page), baseURL).href];
	// Another origin on this machine (its own port) serves a page that frames the app's pages. A
	// real server, not a routed response, so the browser treats it as any other loopback page.
	const html = `<!doctype html><title>Win a prize</title>${targets
		.map((src, i) => `<iframe title="prize ${i}" src="${src}" width="600" height="400"></iframe>`)
		.join('')}`;
	const other = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
	await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
	const { port } = other.address() as AddressInfo;
	try {
		await page.goto(`http://127.0.0.1:${port}/`);
		await expect(page).toHaveTitle('Win a prize');
		// The page's load event waits for its frames; each ends on Chromium's error page.
		const frameUrls = page
			.frames()
			.filter((f) => f !== page.mainFrame())
			.map((f) => f.url());
		expect(frameUrls).toEqual(['chrome-error://chromewebdata/', 'chrome-error://chromewebdata/']);
		for (let i = 0; i < targets.length; i++) {
			const frame = page.frameLocator(`iframe[title="prize ${i}"]`);
			// Without the policy the frame would show the page (or the sign-in page) with its heading.
			await expect(frame.locator('body')).toBeAttached();
			await expect(frame.getByRole('heading')).toHaveCount(0);
			await expect(frame.getByRole('button', { name: 'Reset PIN' })).toHaveCount(0);
		}
	} finally {
		other.close();
	}
});

test('the app runs under its policy with no violation: pages, live updates and the lobby music', async ({
	page,
	browser,
	baseURL
}) => {
	const violations = await watchViolations(page);
	for (const path of ['/', '/dashboard', '/meetings', '/scenarios', '/signin']) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	}
	await expect(page.locator('html')).toHaveAttribute('data-theme', /^(system|light|dark)$/);
	await signIn(page, baseURL!);
	await openAmos(page);
	for (const path of ['/admin/settings', '/admin/mail', '/admin/audit', '/admin/tokens']) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	}

	// A softphone in the lobby: howler plays the WAV rendered in the browser.
	const phone = await browser.newPage();
	const phoneViolations = await watchViolations(phone);
	await phone.goto('/phone');
	// A click before the page has hydrated does nothing; click again until the call is placed.
	await expect(async () => {
		await phone.getByRole('button', { name: 'Call' }).click();
		await expect(phone.getByRole('status', { name: 'Call state' })).toHaveText(
			'Dialed in: answering the IVR',
			{
				timeout: 2_000
			}
		);
	}).toPass();
	for (const key of `${ASTRID_CONFERENCE}##`) await phone.getByRole('button', { name: `Key ${key}` }).click();
	await expect(phone.getByRole('status', { name: 'Call state' })).toHaveText('Waiting in the lobby');
	await expect(phone.getByTestId('music-state')).toHaveText('Music: playing');

	// The meeting view follows it live over Socket.IO.
	await page.goto('/dashboard');
	await page.getByRole('link', { name: 'Astrid' }).first().click();
	await expect(page.getByRole('region', { name: /Lobby/ }).getByRole('listitem')).toHaveCount(1);
	// Presenter mode draws the same lobby for a room.
	await page.goto(`${page.url()}/present`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

	await phone.getByRole('button', { name: 'Hang up' }).click();
	await expect(phone.getByRole('status', { name: 'Call state' })).toHaveText('Call ended');
	expect(await phoneViolations()).toEqual([]);
	expect(await violations()).toEqual([]);
	await phone.close();
});

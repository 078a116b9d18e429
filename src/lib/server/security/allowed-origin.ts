/**
 * An origin as a browser sends it (`http(s)://host[:port]`, nothing after it), in the spelling
 * `URL.origin` gives it; null for anything else, including the opaque origin `null`.
 */
export function parseOrigin(value: string): string | null {
	const trimmed = value.trim().replace(/\/$/, '');
	if (!URL.canParse(trimmed)) return null;
	const url = new URL(trimmed);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
	return url.origin;
}

export interface OriginCheck {
	/** The request's `Origin` header; absent for clients that are not browser pages. */
	origin: string | string[] | undefined;
	/** The request's `Host` header. */
	host: string | string[] | undefined;
	/** The host the public reaches the server at, when a proxy names it (adapter-node's HOST_HEADER). */
	publicHost?: string | string[] | undefined;
	/** Further origins allowed in full (ORIGIN, LOBBY_ALLOWED_ORIGINS), as `parseOrigin` spells them. */
	allowedOrigins: readonly string[];
}

function single(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a page of `origin` may open the live channel. Browsers always send `Origin` on a WebSocket
 * handshake and on cross-site requests, so a handshake without one is not a page of another site:
 * the `lobby` command, the load generator, scripts. One with an `Origin` is allowed when it names
 * the host and port the request was sent to (the page came from this server, whatever proxy is in
 * front), or an origin the operator allowed. Anything else, `null` included, is refused: the
 * session cookie would otherwise let any site act as the signed-in user.
 */
export function originAllowed({ origin, host, publicHost, allowedOrigins }: OriginCheck): boolean {
	const raw = single(origin);
	if (raw === undefined || raw === '') return true;
	const parsed = parseOrigin(raw);
	if (!parsed) return false;
	if (allowedOrigins.includes(parsed)) return true;
	const url = new URL(parsed);
	const sameHost = (candidate: string | undefined) => {
		if (!candidate) return false;
		const spelled = `${url.protocol}//${candidate.trim()}`;
		return URL.canParse(spelled) && new URL(spelled).host === url.host;
	};
	return sameHost(single(host)) || sameHost(single(publicHost));
}

/**
 * The `lobby` command's HTTP client for `/api/v1`: one place that knows the base URL, the token, the
 * user agent (so the audit log says "cli"), and how to turn every failure into one clear sentence.
 */
import type { ApiErrorBody } from '$lib/contract/api';

/** A refusal from the server (status and code as the API sent them) or a failure to reach it. */
export class ApiRequestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'ApiRequestError';
	}
}

export interface ApiClientOptions {
	url: string;
	token: string | null;
	userAgent: string;
	/** Milliseconds before a request is given up; default 30 s. */
	timeoutMs?: number;
}

export class ApiClient {
	constructor(private readonly options: ApiClientOptions) {}

	get url(): string {
		return this.options.url;
	}

	get<T>(path: string): Promise<T> {
		return this.request<T>('GET', path);
	}

	post<T>(path: string, body: unknown = {}): Promise<T> {
		return this.request<T>('POST', path, body);
	}

	put<T>(path: string, body: unknown): Promise<T> {
		return this.request<T>('PUT', path, body);
	}

	patch<T>(path: string, body: unknown): Promise<T> {
		return this.request<T>('PATCH', path, body);
	}

	delete<T>(path: string): Promise<T> {
		return this.request<T>('DELETE', path);
	}

	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const headers: Record<string, string> = {
			accept: 'application/json',
			'user-agent': this.options.userAgent
		};
		if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const target = new URL(
			`api/v1${path}`,
			this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`
		);
		let response: Response;
		try {
			response = await fetch(target, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000)
			});
		} catch (error) {
			const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
			throw new ApiRequestError(
				0,
				'unreachable',
				`Lobby is not reachable at ${this.options.url} (${cause}). Start it with "npm start", or set LOBBY_URL.`
			);
		}
		const text = await response.text();
		let parsed: unknown = null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// Not JSON: reported below with the status.
		}
		if (!response.ok) {
			const error = (parsed as Partial<ApiErrorBody> | null)?.error;
			throw new ApiRequestError(
				response.status,
				error?.code ?? `http-${response.status}`,
				error?.message ?? `The server answered ${response.status} ${response.statusText}.`
			);
		}
		if (parsed === null) {
			throw new ApiRequestError(
				response.status,
				'bad-answer',
				`The server at ${this.options.url} did not answer JSON.`
			);
		}
		return parsed as T;
	}
}

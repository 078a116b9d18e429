/**
 * A real SMTP server on loopback (smtp-server, port 0) that keeps what it receives, decoded: the
 * outbox specs and the integration specs deliver PIN emails to it through nodemailer.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** A message as the SMTP server received it, with its envelope, its raw text and its decoded parts. */
export interface Received {
	from: string;
	to: string[];
	raw: string;
	subject: string;
	text: string;
}

export interface SmtpSink {
	url: string;
	received: Received[];
	/** RCPT TO commands seen, accepted or not. */
	rcptAttempts: number;
	close(): Promise<void>;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header value. */
function decodeHeader(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
			encoding.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: decodeQuotedPrintable(text.replaceAll('_', ' '))
		);
}

function decodeQuotedPrintable(text: string): string {
	const bytes: number[] = [];
	const source = text.replace(/=\r?\n/g, '');
	for (let i = 0; i < source.length; i++) {
		const hex = source.slice(i + 1, i + 3);
		if (source[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
			bytes.push(parseInt(hex, 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(source[i] ?? '', 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

/** Splits a single-part text message into its decoded subject and body. */
function parseMessage(raw: string): { subject: string; text: string } {
	const split = raw.indexOf('\r\n\r\n');
	const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
	const body = raw.slice(split + 4);
	const header = (name: string) =>
		head
			.split('\r\n')
			.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
			?.slice(name.length + 1)
			.trim() ?? '';
	const encoding = header('Content-Transfer-Encoding').toLowerCase();
	const text =
		encoding === 'quoted-printable'
			? decodeQuotedPrintable(body)
			: encoding === 'base64'
				? Buffer.from(body, 'base64').toString('utf8')
				: body;
	return { subject: decodeHeader(header('Subject')), text: text.replace(/\r\n/g, '\n').trimEnd() };
}

export interface SinkOptions {
	/** Answers the first so many RCPT TO commands with a temporary failure (450), then accepts. */
	rejectFirst?: number;
	/** Holds every message's final reply until this settles: a delivery kept in progress. */
	holdData?: Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
	const received: Received[] = [];
	let rejectionsLeft = options.rejectFirst ?? 0;
	const sink = {
		rcptAttempts: 0
	};
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(_address, _session, callback) {
			sink.rcptAttempts += 1;
			if (rejectionsLeft > 0) {
				rejectionsLeft -= 1;
				const error: SMTPServerError = new Error('Mailbox busy, try again later');
				error.responseCode = 450;
				return callback(error);
			}
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				void (options.holdData ?? Promise.resolve()).then(() => {
					received.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address),
						raw,
						...parseMessage(raw)
					});
					callback();
				});
			});
		}
	});
	await new Promise<void>((resolve, reject) => {
		server.server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		get rcptAttempts() {
			return sink.rcptAttempts;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/**
 * The benchmark's floor: a bare Socket.IO server doing the same transport work as Lobby (connect,
 * one acknowledged message per caller, one broadcast to everyone) with no validation, no domain and
 * no database. Lobby's figures are reported as ratios against this, measured in the same run.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
	// Same shape as call:dial: a payload in, an acknowledgement out.
	socket.on('call:dial', (_request: unknown, ack: (r: unknown) => void) => {
		ack({ ok: true, callId: socket.id, resumeToken: 'x', call: { phase: 'lobby', music: 'lobby' } });
	});
	// Same shape as the organizer's PIN: tell the trigger, then tell everyone at once.
	socket.on('floor:admit', (ack: (r: unknown) => void) => {
		const at = Date.now();
		io.emit('call:state', { phase: 'in-meeting', step: null, music: 'none', prompt: { id: 'admitted' } });
		ack({ at });
	});
	socket.on('floor:rss', (ack: (r: unknown) => void) => ack({ rss: process.memoryUsage().rss }));
});

httpServer.listen(0, '127.0.0.1', () => {
	const address = httpServer.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	console.log(`floor listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => {
	void io.close();
	process.exit(0);
});

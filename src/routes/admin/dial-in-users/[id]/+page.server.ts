import { error } from '@sveltejs/kit';
import { readOrRefuse, toFormFailure } from '$lib/server/edge-errors';
import { actorOf } from '$lib/server/actor';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => readOrRefuse(() => details(locals, params.id));

/** One user's page: who they are, whether email goes out on a reset, and their history. */
async function details(locals: App.Locals, id: string) {
	const { dialInUsers, audit, meetingPolicies } = locals.runtime.services;
	const actor = actorOf(locals.user);
	const user = await dialInUsers.get(actor, id);
	if (!user) error(404, 'There is no such user in the directory.');
	const tenant = await dialInUsers.tenant(actor);
	return {
		person: user,
		automaticEmail: tenant.automaticallySendEmailsToUsers,
		/** The policies that may be granted, Global first (`Grant-CsTeamsMeetingPolicy`). */
		policies: (await meetingPolicies.list(actor)).map((p) => p.identity),
		history: (await audit.list(actor, { targetId: user.id, limit: 50 })).map((e) => ({
			at: e.at.toISOString(),
			actor: e.actorEmail,
			action: e.action,
			path: e.path,
			outcome: e.outcome
		}))
	};
}

/** `done` names what happened; the page says it in the reader's language. */
export const actions: Actions = {
	/** S7, S8, S15: Reset PIN; the new PIN is in this one answer and nowhere else. */
	reset: async ({ locals, params, request }) => {
		const form = await request.formData();
		const sendEmail = form.get('sendEmail') === 'on';
		const otherAddress = String(form.get('sendEmailToAddress') ?? '').trim();
		try {
			const issued = await locals.runtime.services.dialIn.resetLeaderPin(
				actorOf(locals.user),
				params.id,
				{ sendEmail, sendEmailToAddress: otherAddress || undefined },
				'page'
			);
			return { issued: { pin: issued.pin.reveal(), email: issued.email } };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	enable: async ({ locals, params }) => {
		try {
			const issued = await locals.runtime.services.dialIn.enableDialIn(
				actorOf(locals.user),
				params.id,
				'page'
			);
			return { issued: { pin: issued.pin.reveal(), email: issued.email } };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	disable: async ({ locals, params }) => {
		try {
			await locals.runtime.services.dialIn.disableDialIn(actorOf(locals.user), params.id, 'page');
			return { done: 'disabled' as const };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	/** `Grant-CsTeamsMeetingPolicy`: Global hands the user back to the Global policy. */
	grant: async ({ locals, params, request }) => {
		const form = await request.formData();
		try {
			await locals.runtime.services.meetingPolicies.grant(
				actorOf(locals.user),
				params.id,
				String(form.get('policyName') ?? ''),
				'page'
			);
			return { granted: true as const };
		} catch (e) {
			return toFormFailure(e);
		}
	},
	unlock: async ({ locals, params }) => {
		try {
			await locals.runtime.services.dialIn.unlockLeaderPin(actorOf(locals.user), params.id, 'page');
			return { done: 'unlocked' as const };
		} catch (e) {
			return toFormFailure(e);
		}
	}
};

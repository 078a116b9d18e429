/** Request shapes of the live scenario API (the same rules as the Scenarios page's socket events). */
export {
	scenarioControlSchema as scenarioControlBody,
	scenarioStartSchema as scenarioStartBody
} from '../realtime/schemas';

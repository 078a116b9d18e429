import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * The domain is pure (docs/architecture.md): it may import only its own files. Nothing from the server, the
 * framework, the database, the transport, or Node itself.
 */
/** @type {import('eslint').Linter.Config} */
const domainBoundary = {
	files: ['src/lib/domain/**/*.ts'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: ['$lib/*', '!$lib/domain', '!$lib/domain/*'],
						message: 'The domain imports nothing outside src/lib/domain.'
					},
					{ group: ['$app/*', '$env/*'], message: 'The domain does not depend on SvelteKit.' },
					{ group: ['../*', '../../*'], message: 'The domain imports nothing outside src/lib/domain.' },
					{
						group: ['drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*'],
						message: 'The domain knows no database.'
					},
					{ group: ['socket.io', 'socket.io-client'], message: 'The domain knows no transport.' },
					{
						group: ['node:*', ...builtinModules],
						message: 'The domain is pure: time, randomness and I/O come in as arguments.'
					}
				]
			}
		]
	}
};

/**
 * The scenario format is shared by the browser (the Scenarios page), the server and the CLI: it
 * knows no server, database or Node API.
 */
/** @type {import('eslint').Linter.Config} */
const scenarioBoundary = {
	files: ['src/lib/scenario/**/*.ts'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: ['$lib/server/*', '../server/*'],
						message: 'The scenario format runs in the browser too.'
					},
					{ group: ['$app/*', '$env/*'], message: 'The scenario format does not depend on SvelteKit.' },
					{
						group: ['drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*'],
						message: 'The scenario format knows no database.'
					},
					{
						group: ['node:*', ...builtinModules, '!$lib/domain', '!$lib/domain/*'],
						message: 'The scenario format runs in the browser too.'
					}
				]
			}
		]
	}
};

/** What only the server's own inside may touch: the database, its tables and drivers. */
const DATABASE = ['drizzle-orm', 'drizzle-orm/*', 'postgres', 'pg', '@electric-sql/*'];

/** What the server's inside (services, repositories, the database module, the simulator) never imports. */
const INSIDE_PATTERNS = [
	{
		group: ['$lib/server/realtime/*', '../realtime/*', '$lib/server/api/*', '../api/*'],
		message: 'Services do not depend on the edges (socket layer, API routes).'
	},
	{ group: ['$app/*', '$env/*'], message: 'Services run outside SvelteKit too (CLI, server entry).' },
	{ group: ['../../../cli/*', '../../../routes/*'], message: 'Services do not depend on the edges.' }
];

/**
 * Services, repositories and the simulator never reach up into the edges: pages, API routes, the
 * socket layer, the CLI (docs/architecture.md).
 */
/** @type {import('eslint').Linter.Config} */
const layerBoundary = {
	files: [
		'src/lib/server/services/**/*.ts',
		'src/lib/server/db/**/*.ts',
		'src/lib/server/repositories/**/*.ts',
		'src/lib/server/simulator/**/*.ts'
	],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: INSIDE_PATTERNS
			}
		]
	}
};

/**
 * The edges (pages, form actions, API routes, hooks, the socket layer) parse, call one service and
 * answer: they never open the database, a repository or a driver. Types the services answer with
 * may come from the schema.
 */
/** @type {import('eslint').Linter.Config} */
const edgeBoundary = {
	files: [
		'src/routes/**/*.ts',
		'src/routes/**/*.svelte',
		'src/hooks.server.ts',
		'src/lib/server/realtime/**/*.ts',
		'src/lib/server/api/**/*.ts',
		'src/lib/server/observability/**/*.ts',
		'src/lib/server/edge-errors.ts',
		'src/lib/server/actor.ts'
	],
	rules: {
		'no-restricted-imports': 'off',
		'@typescript-eslint/no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: ['$lib/server/db', '$lib/server/db/*', '../db', '../db/*'],
						allowTypeImports: true,
						message: 'Edges call services, never the database (docs/architecture.md).'
					},
					{
						group: ['$lib/server/repositories/*', '../repositories/*'],
						message: 'Edges call services, never a repository (docs/architecture.md).'
					},
					{ group: DATABASE, message: 'Edges call services, never the database (docs/architecture.md).' }
				]
			}
		]
	}
};

/**
 * The `lobby` command talks to a server over its API. Besides the browser-safe modules it may read
 * scenario files and format reports; a virtual run loads the simulator on demand with `import()`.
 */
/** @type {import('eslint').Linter.Config} */
const cliBoundary = {
	files: ['src/cli/**/*.ts'],
	ignores: ['src/cli/**/*.spec.ts'],
	rules: {
		'@typescript-eslint/no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: [
							'$lib/server/*',
							'$lib/server/**',
							'!$lib/server/simulator',
							'$lib/server/simulator/*',
							'!$lib/server/simulator/scenario-files',
							'!$lib/server/simulator/scenario-reports'
						],
						allowTypeImports: true,
						message:
							'The CLI talks to the server over its API; a virtual run imports the simulator lazily (docs/architecture.md).'
					},
					{ group: DATABASE, message: 'The CLI never opens the database.' }
				]
			}
		]
	}
};

/** The wire contract is imported by the browser, the server and the CLI: types and schemas only. */
/** @type {import('eslint').Linter.Config} */
const contractBoundary = {
	files: ['src/lib/contract/**/*.ts'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: ['$lib/server/*', '$lib/client/*', '$app/*', '$env/*', '../server/*'],
						message: 'The contract is shared by every side: it imports no side.'
					},
					{
						group: [...DATABASE, 'node:*', ...builtinModules, '!$lib/domain', '!$lib/domain/*'],
						message: 'The contract is pure.'
					}
				]
			}
		]
	}
};

/**
 * Inside the services, the database is reached through repositories, except by the services named
 * here, each the one owner of its tables (docs/architecture.md says why). A new service that wants
 * a query adds a repository method, or joins this list with a reason in that document.
 */
/** @type {import('eslint').Linter.Config} */
const queryBoundary = {
	files: ['src/lib/server/services/**/*.ts'],
	ignores: [
		'src/lib/server/services/**/*.spec.ts',
		'src/lib/server/services/engine-test-kit.ts',
		'src/lib/server/services/api-token.service.ts',
		'src/lib/server/services/audit.service.ts',
		'src/lib/server/services/dial-in.service.ts',
		'src/lib/server/services/directory.service.ts',
		'src/lib/server/services/leader-pin.service.ts',
		'src/lib/server/services/mail.service.ts',
		'src/lib/server/services/sign-in.service.ts',
		'src/lib/server/services/simulated-organizers.service.ts',
		'src/lib/server/services/status.service.ts'
	],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					// This block takes the place of layerBoundary for these files, so it repeats its rules.
					...INSIDE_PATTERNS,
					{
						group: DATABASE,
						message: 'This service reaches the database through a repository (docs/architecture.md).'
					}
				]
			}
		]
	}
};

/**
 * Service errors are recognised with `isServiceError`, never `instanceof`: production runs the pages
 * and the Socket.IO server as two bundles with a copy of each class apiece, so an `instanceof` that
 * passes every test in dev and Vitest (one module graph) fails only in production (STYLE.md).
 */
const noServiceErrorInstanceof = {
	selector: "BinaryExpression[operator='instanceof'][right.name='ServiceError']",
	message: 'Use isServiceError(error): instanceof fails across the two production bundles.'
};

/**
 * At the edges (pages, endpoints, hooks, socket handlers, the API wrapper) an error thrown by a
 * service may come from the other bundle in production: no `instanceof` of any error class but the
 * built-in ones (this covers ServiceError too).
 */
const BUILT_IN_ERRORS = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'AggregateError'];
const notBuiltIn = `(?!(${BUILT_IN_ERRORS.join('|')})$)`;
/** @type {import('eslint').Linter.Config} */
const edgeErrorChecks = {
	files: [
		'src/routes/**/*.ts',
		'src/routes/**/*.svelte',
		'src/hooks.server.ts',
		'src/lib/server/realtime/**/*.ts',
		'src/lib/server/api/**/*.ts',
		'src/lib/server/edge-errors.ts'
	],
	rules: {
		'no-restricted-syntax': [
			'error',
			...[`right.name=/^${notBuiltIn}\\w*Error$/`, `right.property.name=/^${notBuiltIn}\\w*Error$/`].map(
				(test) => ({
					selector: `BinaryExpression[operator='instanceof'][${test}]`,
					message:
						'An edge recognises service errors with isServiceError (edge-errors.ts): instanceof of an error class fails across the two production bundles.'
				})
			)
		]
	}
};

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'test-results/', 'playwright-report/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: {
					allowDefaultProject: [
						'drizzle.config.ts',
						'vite.server.config.ts',
						'vitest.config.ts',
						'vitest.faults.config.ts',
						'playwright.config.ts'
					]
				},
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
			'@typescript-eslint/consistent-type-imports': 'error'
		}
	},
	{
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		rules: { 'no-restricted-syntax': ['error', noServiceErrorInstanceof] }
	},
	edgeErrorChecks,
	domainBoundary,
	scenarioBoundary,
	contractBoundary,
	layerBoundary,
	queryBoundary,
	edgeBoundary,
	cliBoundary
);

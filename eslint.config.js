// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Packages that only the UI ring may use. */
const uiOnly = ['react', 'react-dom', 'react-dom/*', 'd3', 'd3-*', 'zustand', 'zustand/*'];
/** Packages that only core (models, hessian, train), the worker and the CLI may use. */
const tfjs = ['@tensorflow/*'];
/** Backend packages (and Dawn): chosen and started at the edge (worker, src/node), never in core. */
const tfjsBackends = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-*',
  '@tensorflow/tfjs-node*',
  'webgpu',
];
/** Node's built-in modules, which no browser ring may load: `node:*`, and the bare names. */
const nodeOnly = ['node:*'];
const nodeBareNames = ['/fs', '/path', '/os', '/url', '/module', '/child_process'];

/**
 * The rings by folder, as import-path patterns: `'../worker/handler'` from src/app and
 * `'../src/app/App'` from scripts/ both match their ring's pattern.
 */
const ring = {
  app: '**/app/**',
  worker: '**/worker/**',
  cli: '**/cli/**',
  node: '**/node/**',
  bench: '**/bench/**',
  scripts: '**/scripts/**',
};

/**
 * A regular expression (source, `/` escaped for an esquery selector) for import strings that a
 * `no-restricted-imports` pattern group matches: gitignore-style globs (`react` also covers
 * `react/jsx-runtime`, a leading `/` anchors, `**` any folders, `*` within one name) and `!`
 * exceptions.
 *
 * @param {string[]} group
 */
function groupRegex(group) {
  /** @param {string} glob */
  const one = (glob) =>
    glob
      .replace(/^\//, '') // anchored at the start: the regex always is
      .split(/(\*\*\/|\/\*\*|\*)/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?';
        if (part === '/**') return '/.*';
        if (part === '*') return '[^/]*';
        return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('') + '(?:/.*)?';
  const yes = group.filter((g) => !g.startsWith('!')).map(one);
  const no = group.filter((g) => g.startsWith('!')).map((g) => one(g.slice(1)));
  const except = no.length > 0 ? `(?!(?:${no.join('|')})$)` : '';
  return `^${except}(?:${yes.join('|')})$`.replace(/\//g, '\\/');
}

/** How a ring's folder is written in messages. */
const folderOf = (/** @type {keyof typeof ring} */ r) =>
  r === 'scripts' ? 'scripts/' : `src/${r}/`;

/**
 * The border of a ring: `no-restricted-imports` for its static imports and `no-restricted-syntax`
 * for its dynamic `import()`s, which `no-restricted-imports` does not see.
 *
 * @param {string} name the ring, for messages
 * @param {{ packages?: { group: string[]; message: string }[]; browser?: boolean; rings: (keyof typeof ring)[]; allow?: string[] }} b
 *   `packages`: forbidden packages; `browser`: runs in a browser, so no Node built-in modules;
 *   `rings`: rings it must not import; `allow`: exceptions in them.
 */
function border(name, { packages = [], browser = false, rings, allow = [] }) {
  const noNode = `${name} runs in a browser: no Node built-in modules.`;
  const groups = [
    ...packages,
    ...(browser ? [{ group: [...nodeOnly, ...nodeBareNames], message: noNode }] : []),
    {
      group: [...rings.map((r) => ring[r]), ...allow.map((a) => `!${a}`)],
      message: `${name} must not import from ${rings.map(folderOf).join(', ')} (eslint.config.js has the rings).`,
    },
  ];
  return {
    'no-restricted-imports': ['error', { patterns: groups }],
    'no-restricted-syntax': [
      'error',
      ...groups.map(({ group, message }) => ({
        selector: `ImportExpression[source.value=/${groupRegex(group)}/]`,
        message,
      })),
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-cli/**',
      'node_modules/**',
      'public/**',
      'test-results/**',
      'docs/**',
      'tmp/**',
      '.device/**',
      '.gl/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core runs unchanged in Node, the worker and tests: no DOM, no UI packages, no backend
    // packages (the edge starts a backend and passes its capabilities in), and no hidden
    // randomness or time (both are injected).
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      ...border('src/core', {
        packages: [
          { group: uiOnly, message: 'src/core must not depend on UI packages.' },
          {
            group: tfjsBackends,
            message:
              'src/core uses @tensorflow/tfjs-core only; backends start in src/node or the worker.',
          },
        ],
        browser: true,
        rings: ['app', 'worker', 'cli', 'node', 'bench', 'scripts'],
      }),
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded PRNG in src/core/random.' },
        { object: 'Date', property: 'now', message: 'Inject a clock.' },
        { object: 'performance', property: 'now', message: 'Inject a clock.' },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'navigator'],
    },
  },
  {
    // The Web Workers (the sweep's and the bench's): tfjs and the core, no UI, nothing of Node.
    files: ['src/worker/**/*.ts', 'src/bench/bench.worker.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: border('the worker', {
      packages: [
        { group: uiOnly, message: 'The worker never loads UI packages.' },
        { group: ['webgpu'], message: "Dawn's Node bindings are for src/node." },
      ],
      browser: true,
      rings: ['app', 'cli', 'node', 'bench', 'scripts'],
    }),
  },
  {
    // The React side never touches tfjs: training happens in the worker, reached through its
    // protocol only.
    files: ['src/app/**/*.ts', 'src/app/**/*.tsx'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    rules: border('src/app', {
      packages: [
        { group: tfjs, message: 'The UI never imports tfjs; talk to the worker.' },
        {
          // kinds.ts (the model registry's metadata, types only) tells the pool which models
          // can be split over workers.
          group: [
            '**/core/models/**',
            '!**/core/models/kinds',
            '**/core/hessian/**',
            '**/core/train/**',
            '**/core/tf/**',
          ],
          message: 'tfjs-backed core modules run in the worker.',
        },
      ],
      browser: true,
      rings: ['worker', 'cli', 'node', 'bench', 'scripts'],
      allow: ['**/worker/protocol'],
    }),
  },
  {
    // Node platform code (backends, files) under the CLI, scripts and tests: nothing of the
    // browser rings, nothing of its own users.
    files: ['src/node/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: border('src/node', {
      packages: [{ group: uiOnly, message: 'src/node never loads UI packages.' }],
      rings: ['app', 'worker', 'cli', 'bench', 'scripts'],
    }),
  },
  {
    // The command line: core + src/node.
    files: ['src/cli/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: border('src/cli', {
      packages: [{ group: uiOnly, message: 'The CLI never loads UI packages.' }],
      rings: ['app', 'worker', 'bench', 'scripts'],
    }),
  },
  {
    // The bench's shared measurements and page: run in Node (scripts/bench.ts) and the browser.
    files: ['src/bench/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/bench/bench.worker.ts'],
    rules: border('src/bench', {
      packages: [{ group: uiOnly, message: 'The bench never loads UI packages.' }],
      browser: true,
      rings: ['app', 'worker', 'cli', 'node', 'scripts'],
    }),
  },
  {
    // Scripts (prepare-data, bench, validate) drive the core through src/node, never the app.
    files: ['scripts/**/*.ts'],
    rules: border('scripts/', {
      packages: [{ group: uiOnly, message: 'Scripts never load UI packages.' }],
      rings: ['app'],
    }),
  },
);

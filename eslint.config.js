// ESLint flat config: typescript-eslint with type information, naming rules, file size
// gate, and the folder import boundaries: FFI only in core/glfw.ts and core/gl.ts, and every
// folder imports only downward (MAY_IMPORT below; test/structure.test.ts checks the same graph
// for circles).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const koffiPaths = [{ name: 'koffi', message: 'FFI lives only in src/core/glfw.ts and src/core/gl.ts.' }];

/**
 * The one direction of the stack (README, Layout): cli → app → record → run → {visualization,
 * audio} → {animation, transformer} → the helpers at src/ (frame.ts, errors.ts, crc32.ts, …),
 * with core/ (GLFW, GL) used by app/ and record/ only. Each folder may import itself, the
 * helpers at src/ and the folders listed here — nothing above it, nothing beside it. Type-only
 * imports count too: a type in the wrong folder is a sign the code is in the wrong folder.
 */
const MAY_IMPORT = {
  cli: ['app', 'record', 'run', 'visualization', 'audio', 'animation', 'transformer'],
  app: ['record', 'run', 'visualization', 'audio', 'animation', 'transformer', 'core'],
  record: ['run', 'visualization', 'audio', 'animation', 'transformer', 'core'],
  run: ['visualization', 'audio', 'animation', 'transformer'],
  visualization: ['animation', 'transformer'],
  audio: ['animation', 'transformer'],
  animation: [],
  transformer: [],
  core: [],
};
const FOLDERS = Object.keys(MAY_IMPORT);

/** no-restricted-imports options for files of `folder` (undefined: the helpers at src/). */
const direction = (folder, { koffi = true } = {}) => {
  const allowed = folder === undefined ? [] : MAY_IMPORT[folder];
  const banned = FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
  const may = folder === undefined
    ? 'the helpers at src/ may import only each other'
    : `${folder}/ may import only ${[...allowed, 'its own folder', 'the helpers at src/'].join(', ')}`;
  return {
    paths: koffi ? koffiPaths : [],
    patterns: [{
      group: banned.flatMap((f) => [`**/${f}/*`, `./${f}/*`]),
      message: `${may}: the stack runs one way (README, Layout; eslint.config.js MAY_IMPORT).`,
    }],
  };
};

const noMathRandom = ['error', { object: 'Math', property: 'random', message: 'Seeded randomness only.' }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'eslint.config.js', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'typeLike', format: ['PascalCase'] },
        { selector: 'interface', format: ['PascalCase'], custom: { regex: '^I[A-Z]', match: false } },
      ],
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': ['error', direction(undefined)],
    },
  },
  ...FOLDERS.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', direction(folder)],
      ...(['transformer', 'animation', 'visualization'].includes(folder) ? { 'no-restricted-properties': noMathRandom } : {}),
    },
  })),
  {
    files: ['src/core/glfw.ts', 'src/core/gl.ts'],
    rules: { 'no-restricted-imports': ['error', direction('core', { koffi: false })], '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': 'off', 'no-restricted-imports': 'off' },
  },
);

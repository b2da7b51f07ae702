// ESLint flat config: typescript-eslint with type information, naming rules, file size
// gate, and the folder import boundaries of STYLE.md (FFI only in core/glfw.ts and core/gl.ts;
// the pure core never imports the effect shell).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const koffiBan = {
  paths: [{ name: 'koffi', message: 'FFI lives only in src/core/glfw.ts and src/core/gl.ts.' }],
};

/** Patterns a pure-core folder may not import. */
const shellBan = (extra = []) => ({
  paths: koffiBan.paths,
  patterns: [
    {
      group: ['**/core/*', '**/app/*', '**/cli/*', '**/record/*', ...extra],
      message: 'The pure core imports nothing from the effect shell (STYLE.md §1, §3).',
      allowTypeImports: true,
    },
  ],
});

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
      'no-restricted-imports': ['error', koffiBan],
    },
  },
  {
    files: ['src/core/glfw.ts', 'src/core/gl.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/transformer/**/*.ts', 'src/animation/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', shellBan(['**/visualization/*', '**/audio/*'])],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Seeded randomness only.' }],
    },
  },
  {
    files: ['src/visualization/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', shellBan(['**/audio/*'])],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Seeded randomness only.' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': 'off', 'no-restricted-imports': 'off' },
  },
);

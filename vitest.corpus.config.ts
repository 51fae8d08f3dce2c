import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/corpus/**/*.test.{ts,tsx}'],
		setupFiles: ['test/setup.ts'],
		testTimeout: 60_000,
		pool: 'forks',
	},
});

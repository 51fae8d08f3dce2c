#!/usr/bin/env bash
# A scripted stand-in for an AI coding agent, used by `orchestrator demo`: it prints what
# a real agent prints (reading, thinking, editing, running), with pauses, and really edits
# the files of its step. $1 is the step id, $2 the prompt.
set -euo pipefail
step="$1"
prompt="${2:-}"
pause() { sleep "${DEMO_AGENT_PAUSE:-0.25}"; }
say() { printf '%s\n' "$*"; pause; }
tool() {
  printf '\033[36m%s\033[0m %s\n' "$1" "$2"
  # Like a real agent, create the folder of a file it writes (git keeps no empty folders,
  # so after a rollback test/ may be gone).
  if [ "$1" = Write ]; then mkdir -p "$(dirname "$2")"; fi
  pause
}

say "$(printf '\033[1mTask %s\033[0m' "$step")"
say "${prompt%%$'\n'*}"
tool Read "package.json"

case "$step" in
T002)
  say "Accents first: NFKD-normalise, then drop the combining marks."
  tool Write "src/slugify.js"
  cat > src/slugify.js <<'JS'
/** "Crème Brûlée, please!" → "creme-brulee-please" */
export function slugify(text) {
	return String(text)
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}
JS
  ;;
T003)
  say "A word is a run of letters or digits; punctuation separates words."
  tool Write "src/word-count.js"
  cat > src/word-count.js <<'JS'
/** Counts words: runs of letters, digits and apostrophes. */
export function wordCount(text) {
	const words = String(text).match(/[\p{L}\p{N}']+/gu);
	return words ? words.length : 0;
}
JS
  ;;
T004)
  tool Read "src/slugify.js"
  tool Read "src/word-count.js"
  tool Write "src/index.js"
  cat > src/index.js <<'JS'
export {slugify} from './slugify.js';
export {wordCount} from './word-count.js';
JS
  ;;
T005)
  tool Write "test/slugify.test.js"
  cat > test/slugify.test.js <<'JS'
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {slugify} from '../src/index.js';

test('lowercases and joins words with dashes', () => {
	assert.equal(slugify('Hello World'), 'hello-world');
});

test('strips accents and punctuation', () => {
	assert.equal(slugify('Crème Brûlée, please!'), 'creme-brulee-please');
});

test('trims leading and trailing separators', () => {
	assert.equal(slugify('  --Ship it--  '), 'ship-it');
});
JS
  tool Run "node --test test/slugify.test.js"
  node --test test/slugify.test.js 2>&1 | grep -E '^# (pass|fail)' || true
  ;;
T006)
  tool Write "test/word-count.test.js"
  cat > test/word-count.test.js <<'JS'
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {wordCount} from '../src/index.js';

test('counts words separated by spaces and punctuation', () => {
	assert.equal(wordCount('one, two; three.'), 3);
});

test('keeps contractions together', () => {
	assert.equal(wordCount("don't stop"), 2);
});

test('empty text has no words', () => {
	assert.equal(wordCount(''), 0);
});
JS
  tool Run "node --test test/word-count.test.js"
  node --test test/word-count.test.js 2>&1 | grep -E '^# (pass|fail)' || true
  ;;
T007)
  tool Write "README.md"
  cat > README.md <<'MD'
# textkit

Small string helpers.

```js
import {slugify, wordCount} from 'textkit';

slugify('Crème Brûlée, please!'); // 'creme-brulee-please'
wordCount("don't stop");          // 2
```

- `slugify(text)`: lowercase, accents removed, words joined with `-`.
- `wordCount(text)`: the number of words (letters, digits and apostrophes).
MD
  ;;
*)
  say "Nothing scripted for $step: reading the failure and leaving the tree as it is."
  ;;
esac
say "Done: $step."

/**
 * A seeded random number generator for generated test cases (xorshift32): the same sequence on every
 * run, so a failing case is found again. Returns a function that picks a whole number below `n`.
 */
export function seeded(seed: number): (n: number) => number {
	let state = seed | 0 || 1;
	return (n: number) => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) % n;
	};
}

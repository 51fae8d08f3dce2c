import {isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair} from 'yaml';

// Positions of plan nodes, so every issue can say "plan.yaml:12:7".

export type PathSegment = string | number;

export interface LinePos {
	line?: number;
	col?: number;
}

function pairFor(node: unknown, key: string): Pair | undefined {
	if (!isMap(node)) return undefined;
	return node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key) as Pair | undefined;
}

function rangeStart(node: unknown): number | undefined {
	const range = (node as Node | null | undefined)?.range;
	return range ? range[0] : undefined;
}

/**
 * Where `path` is in the document: the value's node, or with `key: true` the key of the last
 * segment. A path that leads nowhere (a missing key) points at the deepest node that exists.
 */
export function locate(doc: Document, lc: LineCounter, path: readonly PathSegment[], opts: {key?: boolean} = {}): LinePos {
	let node: unknown = doc.contents;
	let offset = rangeStart(node);
	for (let i = 0; i < path.length; i++) {
		const seg = path[i];
		const last = i === path.length - 1;
		if (isSeq(node) && typeof seg === 'number') {
			const item = node.items[seg];
			if (item === undefined) break;
			node = item;
			offset = rangeStart(item) ?? offset;
			continue;
		}
		const pair = pairFor(node, String(seg));
		if (!pair) break;
		if (last && opts.key) {
			offset = rangeStart(pair.key) ?? offset;
			break;
		}
		const value = pair.value;
		// `key:` with no value: point at the key.
		if (value === null || value === undefined || rangeStart(value) === undefined || (isScalar(value) && value.value === null)) {
			offset = rangeStart(pair.key) ?? offset;
			node = value;
			if (!last) break;
			continue;
		}
		node = value;
		offset = rangeStart(value) ?? offset;
	}
	if (offset === undefined) return {};
	const pos = lc.linePos(offset);
	return {line: pos.line, col: pos.col};
}

/** The keys of a mapping node with their positions, in order. */
export function mapKeys(node: unknown): Array<{key: string; offset: number | undefined}> {
	if (!isMap(node)) return [];
	return node.items.map((p) => ({
		key: isScalar(p.key) ? String(p.key.value) : String(p.key),
		offset: rangeStart(p.key),
	}));
}

/** The node at `path`, or undefined. */
export function nodeAt(doc: Document, path: readonly PathSegment[]): unknown {
	let node: unknown = doc.contents;
	for (const seg of path) {
		if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
		else node = pairFor(node, String(seg))?.value;
		if (node === undefined || node === null) return undefined;
	}
	return node;
}

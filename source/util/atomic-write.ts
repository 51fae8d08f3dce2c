// Atomic file replacement: write a temporary file beside the target, fsync it, rename it over
// the target. A reader (tail, resume after kill -9) sees the old or the new file, never half.
// Our own few lines instead of write-file-atomic: that package realpaths, chowns and chmods
// on every call, which cost more than the write itself on the engine's hot path.
import fsp from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
	const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
	const handle = await fsp.open(tmp, 'w');
	try {
		await handle.writeFile(data);
		await handle.sync();
	} catch (error) {
		await handle.close();
		await fsp.rm(tmp, {force: true});
		throw error;
	}
	await handle.close();
	try {
		await fsp.rename(tmp, file);
	} catch (error) {
		await fsp.rm(tmp, {force: true});
		throw error;
	}
}

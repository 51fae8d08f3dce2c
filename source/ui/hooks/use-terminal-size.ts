import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export interface TerminalSize {
	columns: number;
	rows: number;
}

const FALLBACK: TerminalSize = {columns: 100, rows: 30};

function read(stdout: NodeJS.WriteStream): TerminalSize {
	return {columns: stdout.columns || FALLBACK.columns, rows: stdout.rows || FALLBACK.rows};
}

/** stdout's size, following resizes; a stream without a size (a pipe, a test) gets 100×30. */
export function useTerminalSize(override?: TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState<TerminalSize>(() => read(stdout));
	const fixed = override !== undefined;
	useEffect(() => {
		if (fixed) return;
		const onResize = () => {
			const next = read(stdout);
			setSize(prev => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
		};
		stdout.on('resize', onResize);
		onResize();
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, fixed]);
	return override ?? size;
}

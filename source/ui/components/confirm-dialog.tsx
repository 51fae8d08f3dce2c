import React from 'react';
import {Box, Text} from 'ink';

/** A yes/no question; the App's key handler answers it (y = yes, n or esc = no). */
export function ConfirmDialog({question, width}: {question: string; width: number}) {
	return (
		<Box width={width} height={3} flexShrink={0} borderStyle="round" borderColor="yellow" overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold>{question}</Text>
				<Text color="cyan">{'  [y] yes  [n] no'}</Text>
			</Text>
		</Box>
	);
}

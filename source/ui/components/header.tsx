import React, {memo} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import type {SessionState} from '../../types.js';
import {elapsedMs, etaMs, formatDuration, phaseIndex} from '../../store/session.js';
import {useClock} from '../context.js';
import {fit} from '../text.js';
import {stateBadge} from '../view-model.js';

/** One line: plan, phase n/N, elapsed, ETA and a state badge. */
export const Header = memo(function Header({session, readOnly, width}: {session: SessionState; readOnly: boolean; width: number}) {
	const {now} = useClock();
	const total = session.phases.length;
	const index = Math.min(phaseIndex(session), Math.max(0, total - 1));
	const phase = session.phases[index];
	const eta = etaMs(session);
	const badge = stateBadge(session);
	const elapsed = formatDuration(elapsedMs(session, now));
	const left = ` orchestrator · ${session.implementationId} · ${session.title}`;
	const shortLeft = ` ${session.implementationId}`;
	const phaseName = phase ? ` ${phase.title}` : '';
	const n = phase ? `${index + 1}/${total}` : '0/0';
	const etaText = eta !== undefined && !session.finishedAt ? formatDuration(eta) : null;
	// Most informative first; narrower terminals get terser forms.
	const variants = [
		`phase ${n}${phaseName} · ${elapsed} elapsed${etaText ? ` · ~${etaText} left` : ''}`,
		`phase ${n}${phaseName} · ${elapsed}${etaText ? ` · ~${etaText} left` : ''}`,
		`${n}${phaseName} · ${elapsed}${etaText ? ` · ~${etaText}` : ''}`,
		`${n} · ${elapsed}${etaText ? ` · ~${etaText}` : ''}`,
	];
	const badgeText = ` ${badge.text} `;
	const readOnlyText = readOnly ? ' read-only ' : '';
	const fixed = stringWidth(badgeText) + stringWidth(readOnlyText) + (readOnly ? 1 : 0) + 2;
	const minLeft = Math.min(stringWidth(shortLeft), 14);
	const right = fit(variants.find(v => stringWidth(v) + fixed + minLeft <= width) ?? variants.at(-1)!, Math.max(0, width - fixed - minLeft));
	const leftRoom = Math.max(0, width - fixed - stringWidth(right));
	const leftText = fit(stringWidth(left) <= leftRoom ? left : shortLeft, leftRoom);
	const gap = Math.max(1, width - stringWidth(leftText) - stringWidth(right) - fixed + 1);
	return (
		<Box height={1} width={width} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold>{leftText}</Text>
				{' '.repeat(gap)}
				<Text>{right}</Text>
				{' '}
				<Text inverse color={badge.color}>{badgeText}</Text>
				{readOnly ? ' ' : ''}
				{readOnly ? <Text inverse color="blue">{readOnlyText}</Text> : null}
			</Text>
		</Box>
	);
});

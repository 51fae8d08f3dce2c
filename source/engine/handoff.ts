// The handoff note written after each step and given to the next agent (SPEC.md "Handoffs").
import type {CheckResult, FileChange, Step, StepState} from '../types.js';

export interface HandoffInput {
	step: StepState;
	next?: Step;
	/** Steps still to run after this one (for "Next Steps"). */
	upcoming: Step[];
	/** Files the next step may touch, and files owned by other pending steps. */
	nextScope: string[];
	ownedByOthers: string[];
	lastChecks: CheckResult[];
}

function fileLine(f: FileChange): string {
	return `- \`${f.path}\` (${f.status === 'A' ? 'added' : f.status === 'D' ? 'deleted' : f.status === 'R' ? 'renamed' : 'modified'}, +${f.added} −${f.removed})`;
}

export function renderHandoff(input: HandoffInput): string {
	const {step, next, upcoming, nextScope, ownedByOthers, lastChecks} = input;
	const to = next ? `${next.id} (${next.agent ?? (next.run ? 'shell' : 'default agent')})` : 'the end of the plan';
	const completed = step.summary?.text?.trim() || `${step.title} (${step.agent} exited ${step.exitCode ?? 0})`;
	const lines = [
		`## Handoff from ${step.id} (${step.agent}${step.preset && step.preset !== step.agent ? `, ${step.preset}` : ''}) to ${to}`,
		'',
		`**Completed Work**: ${completed}`,
		'',
		'**Modified Files**:',
		...(step.files.length > 0 ? step.files.map(fileLine) : ['- none (the step changed nothing)']),
		'',
		'**Next Steps**:',
		...(upcoming.length > 0 ? upcoming.slice(0, 5).map(s => `- ${s.id}: ${s.title}`) : ['- none: this was the last step']),
		'',
		'**Constraints**:',
		nextScope.length > 0 ? `- ${next?.id ?? 'the next step'} may touch only: ${nextScope.join(', ')}` : '- no file scope declared for the next step',
		...(ownedByOthers.length > 0 ? [`- owned by other pending steps, leave alone: ${ownedByOthers.slice(0, 20).join(', ')}`] : []),
		'',
		'**Testing Status**: ' +
			(lastChecks.length === 0
				? 'no checks have run yet in this session'
				: lastChecks.map(c => `\`${c.command}\` ${c.ok ? 'passed' : 'failed'}${c.summary ? ` (${c.summary})` : ''}`).join('; ')),
		'',
	];
	return lines.join('\n');
}

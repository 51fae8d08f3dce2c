// The store reaches components through a context, so tests inject a fresh one per render.
import {createContext, useContext} from 'react';
import {useStore} from 'zustand';
import type {OrchestratorStore, StoreState} from '../store/store.js';

export const StoreContext = createContext<OrchestratorStore | null>(null);

export function useOrchestratorStore(): OrchestratorStore {
	const store = useContext(StoreContext);
	if (!store) throw new Error('useOrchestratorStore outside <App>: the store context is missing');
	return store;
}

/** Selects from the store; the selector must return a stable value (a field, a primitive). */
export function useStoreSelect<T>(selector: (state: StoreState) => T): T {
	return useStore(useOrchestratorStore(), selector);
}

/** The clock: the current time and the spinner frame, from ONE timer in <ClockProvider>. */
export interface Clock {
	now: number;
	frame: number;
}

export const ClockContext = createContext<Clock>({now: Date.now(), frame: 0});

export function useClock(): Clock {
	return useContext(ClockContext);
}

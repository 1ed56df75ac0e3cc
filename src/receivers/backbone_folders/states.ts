// Moved to src/backbone/states.ts; this re-export keeps in-flight work compiling until nothing imports it.
export * from '../../backbone/states.ts';
